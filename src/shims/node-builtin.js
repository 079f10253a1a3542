// libheif-js's emscripten glue has a Node-only branch that `require`s fs and path. It never runs
// in a Worker (there is no `process` there), but the bundler must resolve the names: this empty
// module stands in for them (see [alias] in wrangler.toml).
export default {};
