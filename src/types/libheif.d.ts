// libheif-js's emscripten factory (CommonJS); the decoder declares the shape it uses.
declare module 'libheif-js/libheif-wasm/libheif.js' {
  const factory: unknown;
  export default factory;
}
