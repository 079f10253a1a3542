// Wrangler (and the test build's plugin) turn `.wasm` imports into compiled modules.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}

// Emscripten glue of our own decoders (wasm/dist, built by wasm/build.sh).
declare module '*/wasm/dist/jpeg_dec.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/webp_dec.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/jpeg_enc.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/png_dec.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/png_enc.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/webp_enc.js' {
  const factory: unknown;
  export default factory;
}
declare module '*/wasm/dist/avif_enc.js' {
  const factory: unknown;
  export default factory;
}
