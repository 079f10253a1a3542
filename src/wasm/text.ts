import textWasm from '../../wasm/dist/text.wasm';
import type { Size } from '../image';
import { exportedMemory, WasmModule, WasmOutOfMemory } from './loader';

/** Exports of wasm/text/text.c (FreeType; a standalone module, no JS glue). */
interface TextExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  text_alloc(bytes: number): number;
  text_free(pointer: number): void;
  text_open(data: number, length: number, index: number): number;
  text_close(slot: number): void;
  text_has_glyph(slot: number, code: number): number;
  text_render(
    faces: number,
    codes: number,
    count: number,
    pixels: number,
    bold: number,
    italic: number,
    strokePixels: number,
    degrees: number,
  ): number;
  text_result_width(): number;
  text_result_height(): number;
  text_result_left(): number;
  text_result_top(): number;
  text_result_code(): number;
  text_result_stroke(): number;
}

/** What FreeType's setjmp/longjmp (its rasteriser's overflow exit) needs from the host. */
interface LongjmpExports {
  __indirect_function_table: WebAssembly.Table;
  stackSave(): number;
  stackRestore(pointer: number): void;
  setThrew(threw: number, value: number): void;
}

/**
 * Emscripten's standalone output leaves setjmp/longjmp and a few libc calls to its host: an
 * `invoke_*` calls a table function and turns a longjmp (thrown as a number) into setThrew, as
 * emscripten's own glue does; file and environment calls are never reached for fonts in memory.
 */
function hostImports(module: WebAssembly.Module, state: { exports?: LongjmpExports }) {
  const exportsOf = () => {
    if (!state.exports) throw new Error('text: not instantiated');
    return state.exports;
  };
  const invoke = (index: number, ...args: number[]): number => {
    const { __indirect_function_table: table, stackSave, stackRestore, setThrew } = exportsOf();
    const saved = stackSave();
    try {
      const target = table.get(index) as (...values: number[]) => number;
      return target(...args);
    } catch (error) {
      stackRestore(saved);
      // A longjmp is thrown as a number; anything else is a real failure.
      if (typeof error !== 'number') throw error;
      setThrew(1, 0);
      return 0;
    }
  };
  let tempRet0 = 0;
  const ENOSYS = 52;
  const env: Record<string, (...args: number[]) => number> = {
    emscripten_notify_memory_growth: () => 0,
    setTempRet0: (value) => (tempRet0 = value ?? 0),
    getTempRet0: () => tempRet0,
    _emscripten_throw_longjmp: () => {
      throw Infinity;
    },
  };
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    if (from === 'env' && name.startsWith('invoke_')) env[name] = invoke;
  }
  const wasi = {
    fd_read: () => ENOSYS,
    fd_write: () => ENOSYS,
    fd_close: () => ENOSYS,
    fd_seek: () => ENOSYS,
    environ_sizes_get: () => ENOSYS,
    environ_get: () => ENOSYS,
  };
  return { env, wasi_snapshot_preview1: wasi };
}

interface TextInstance {
  exports: TextExports;
  /** Faces opened in this instance, by name: their bytes stay in its memory while open. */
  faces: Map<string, number>;
}

/**
 * FreeType, instantiated once per isolate; the faces it opened stay open with it (a font is
 * parsed once per isolate) and go when a large instance is dropped after use.
 */
export const textModule = new WasmModule<TextInstance>('text', () => {
  const state: { exports?: LongjmpExports } = {};
  const created = new WebAssembly.Instance(textWasm, hostImports(textWasm, state));
  state.exports = created.exports as unknown as LongjmpExports;
  const exports = created.exports as unknown as TextExports;
  exports._initialize();
  return {
    instance: { exports, faces: new Map() },
    memory: exportedMemory(created.exports, 'text'),
  };
});

/** Whether the face called `name` is open in the current instance. */
export const faceOpen = (name: string): boolean =>
  textModule.runSync((text) => text.faces.has(name));

/** Opens a font's bytes as the face `name` (copied into the module; kept while it is open). */
export function openFace(name: string, font: Uint8Array, index = 0): void {
  textModule.runSync(({ exports, faces }) => {
    if (faces.has(name)) return;
    const data = exports.text_alloc(font.length);
    if (data === 0) throw new WasmOutOfMemory('text');
    new Uint8Array(exports.memory.buffer).set(font, data);
    const slot = exports.text_open(data, font.length, index);
    if (slot < 0) {
      exports.text_free(data);
      throw new Error(`the font ${name} could not be opened`);
    }
    faces.set(name, slot);
  });
}

/** The name under which a face's full version is opened beside its subset. */
export const fullFaceName = (face: string) => `${face}:full`;

/** Whether the face (open) has a glyph for every character of `text`. */
export const hasAllGlyphs = (face: string, text: string): boolean =>
  textModule.runSync(({ exports, faces }) => {
    const slot = faces.get(face);
    if (slot === undefined) return false;
    return Array.from(text).every(
      (character) => exports.text_has_glyph(slot, character.codePointAt(0) ?? 0) !== 0,
    );
  });

/** A line of text rasterised: coverage masks and where they sit relative to the pen origin. */
export interface TextMasks extends Size {
  fill: Uint8Array;
  stroke: Uint8Array | undefined;
  left: number;
  top: number;
}

/**
 * Rasterises `text` (each code point from the first of `faces` that has it, else the first face's
 * missing-glyph box) at `pixels` px, turned `degrees` clockwise.
 */
export function renderText(
  faces: readonly string[],
  text: string,
  pixels: number,
  style: { bold: boolean; italic: boolean; strokePixels: number; degrees: number },
): TextMasks {
  return textModule.runSync(({ exports, faces: open }) => {
    const slots = faces.map((name) => {
      const slot = open.get(name);
      if (slot === undefined) throw new Error(`the face ${name} is not open`);
      return slot;
    });
    const codes = Array.from(text, (character) => character.codePointAt(0) ?? 0xfffd);
    const choice = codes.map(
      (code) =>
        slots.find((slot) => exports.text_has_glyph(slot, code) !== 0) ?? (slots[0] as number),
    );
    const input = exports.text_alloc(codes.length * 8);
    if (input === 0) throw new WasmOutOfMemory('text');
    try {
      const words = new Int32Array(exports.memory.buffer, input, codes.length * 2);
      words.set(choice, 0);
      new Uint32Array(exports.memory.buffer, input + codes.length * 4, codes.length).set(codes);
      const fill = exports.text_render(
        input,
        input + codes.length * 4,
        codes.length,
        pixels,
        style.bold ? 1 : 0,
        style.italic ? 1 : 0,
        style.strokePixels,
        style.degrees,
      );
      if (fill === 0) {
        if (exports.text_result_code() === 2) throw new WasmOutOfMemory('text');
        throw new Error(`the text could not be drawn (code ${exports.text_result_code()})`);
      }
      const width = exports.text_result_width();
      const height = exports.text_result_height();
      const stroke = exports.text_result_stroke();
      const masks: TextMasks = {
        width,
        height,
        left: exports.text_result_left(),
        top: exports.text_result_top(),
        fill: new Uint8Array(exports.memory.buffer, fill, width * height).slice(),
        stroke:
          stroke === 0
            ? undefined
            : new Uint8Array(exports.memory.buffer, stroke, width * height).slice(),
      };
      exports.text_free(fill);
      if (stroke !== 0) exports.text_free(stroke);
      return masks;
    } finally {
      exports.text_free(input);
    }
  });
}
