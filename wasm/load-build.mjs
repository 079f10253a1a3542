// Loads one build of an emscripten module of ours (wasm/dist/*.js or a variant next to its .wasm)
// in Node, as src/wasm/loader.ts does in the Worker: for the checks that compare two builds.
/* global WebAssembly -- Node (eslint.config.js gives Node globals to scripts/ only) */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadBuild(js) {
  const path = resolve(js);
  // A query per load: two builds at the same path (before and after a rebuild) stay apart.
  const factory = (await import(`${pathToFileURL(path).href}?${Math.random()}`)).default;
  const wasm = new WebAssembly.Module(readFileSync(path.replace(/\.js$/, '.wasm')));
  return factory({
    noInitialRun: true,
    locateFile: (p) => p,
    instantiateWasm(imports, callback) {
      const instance = new WebAssembly.Instance(wasm, imports);
      callback(instance);
      return instance.exports;
    },
  });
}
