import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module';
import { exportedMemory, WasmModule } from './loader';

/**
 * squoosh_png (Rust `png` crate, wasm-bindgen) from @jsquash/png, used to decode (PNG is written
 * by our own encoder, png-encoder.ts). Its generated glue keeps one
 * instance in a module-level variable that can never be replaced, so an instance could never give
 * its memory back; this binding instantiates the same wasm with the same imports itself.
 */
interface PngExports {
  memory: WebAssembly.Memory;
  decode(pointer: number, length: number): number;
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(pointer: number, size: number, align: number): void;
}

interface DecodedPng {
  data: Uint8Array;
  width: number;
  height: number;
}

interface PngInstance {
  exports: PngExports;
  /** Objects handed to wasm by index, as wasm-bindgen's glue does (indices below 132 are fixed). */
  take(index: number): unknown;
}

/** wasm-bindgen's import functions for this module, by the prefix of their hashed names. */
function pngImports(module: WebAssembly.Module, state: { exports?: PngExports }) {
  const objects = new Map<number, unknown>();
  let next = 132;
  const add = (value: unknown) => {
    const index = next++;
    objects.set(index, value);
    return index;
  };
  const get = (index: number) => objects.get(index);
  const take = (index: number) => {
    const value = objects.get(index);
    objects.delete(index);
    return value;
  };
  const exportsOf = () => {
    if (!state.exports) throw new Error('png: not instantiated');
    return state.exports;
  };
  const bytes = (pointer: number, length: number) =>
    new Uint8Array(exportsOf().memory.buffer, pointer >>> 0, length);
  const byPrefix: Array<[string, (...args: number[]) => unknown]> = [
    ['__wbindgen_memory', () => add(exportsOf().memory)],
    ['__wbg_buffer_', (index) => add((get(index) as WebAssembly.Memory).buffer)],
    [
      '__wbg_newwithbyteoffsetandlength_',
      (buffer, offset, length) =>
        add(new Uint16Array(get(buffer) as ArrayBuffer, offset >>> 0, length >>> 0)),
    ],
    ['__wbindgen_object_drop_ref', (index) => void take(index)],
    [
      '__wbg_newwithownedu8clampedarrayandsh_',
      (pointer, length, width, height) => {
        const data = bytes(pointer, length).slice();
        exportsOf().__wbindgen_free(pointer, length, 1);
        const decoded: DecodedPng = { data, width: width >>> 0, height: height >>> 0 };
        return add(decoded);
      },
    ],
    [
      '__wbindgen_throw',
      (pointer, length) => {
        throw new Error(new TextDecoder().decode(bytes(pointer, length)));
      },
    ],
  ];
  const wbg: Record<string, (...args: number[]) => unknown> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    const match = byPrefix.find(([prefix]) => name.startsWith(prefix));
    if (from !== 'wbg' || !match) throw new Error(`png: unknown import ${from}.${name}`);
    wbg[name] = match[1];
  }
  return { imports: { wbg }, take };
}

export const pngModule = new WasmModule<PngInstance>('png', () => {
  const state: { exports?: PngExports } = {};
  const { imports, take } = pngImports(pngWasm, state);
  const instance = new WebAssembly.Instance(pngWasm, imports);
  const exports = instance.exports as unknown as PngExports;
  state.exports = exports;
  return { instance: { exports, take }, memory: exportedMemory(instance.exports, 'png') };
});

function copyIn(exports: PngExports, data: Uint8Array): number {
  const pointer = exports.__wbindgen_malloc(data.length, 1) >>> 0;
  new Uint8Array(exports.memory.buffer).set(data, pointer);
  return pointer;
}

/** 8-bit RGBA of any PNG (16-bit channels reduced); throws on corrupt data. */
export function decodePngRgba(png: PngInstance, bytes: Uint8Array): DecodedPng {
  const pointer = copyIn(png.exports, bytes);
  return png.take(png.exports.decode(pointer, bytes.length)) as DecodedPng;
}
