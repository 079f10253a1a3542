// What the checks comparing two builds of a codec share (wasm/jpeg/check-*.mjs).
/* global URL, WebAssembly -- Node (eslint.config.js gives Node globals to scripts/ only) */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository's root. */
export const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

/** The fixture photos (test/fixtures/photo/*.jpg), as paths in a stable order. */
export function fixturePhotos() {
  const dir = resolve(root, 'test', 'fixtures', 'photo');
  return readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => resolve(dir, f));
}

/**
 * Loads one build of an emscripten module of ours (wasm/dist/*.js or a variant next to its
 * .wasm) in Node, as src/wasm/loader.ts does in the Worker.
 */
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
