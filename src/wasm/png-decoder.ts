import pngDecFactory from '../../wasm/dist/png_dec.js';
import pngDecWasm from '../../wasm/dist/png_dec.wasm';
import { LIMITS } from '../limits';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { lentPixels, type WasmPixels } from './pixels';

/** Exports of our PNG decoder (wasm/png/decoder.c, on libdeflate). */
interface PngDecoderExports {
  HEAPU8: Uint8Array;
  _png_alloc(size: number): number;
  _png_free(pointer: number): void;
  _png_decode(data: number, length: number, maxPixels: number): number;
  _png_result_width(): number;
  _png_result_height(): number;
  _png_result_code(): number;
}

/** Result codes of wasm/png/decoder.c that are not the file's fault. */
const PNG_ERROR_MEMORY = 3;

export const pngDecoderModule = emscriptenModule<PngDecoderExports>(
  'png-dec',
  pngDecFactory,
  pngDecWasm,
);

/**
 * 8-bit RGBA of any PNG (16-bit samples keep their high byte; APNG: the default image), left in
 * the module's memory. Undefined when the data is corrupt, truncated or larger than the pixel
 * limit; out of memory throws WasmOutOfMemory.
 */
export function decodePng(module: PngDecoderExports, bytes: Uint8Array): WasmPixels | undefined {
  const input = module._png_alloc(bytes.length);
  if (input === 0) throw new WasmOutOfMemory('png-dec');
  module.HEAPU8.set(bytes, input);
  // The decoder gathers the IDAT payloads in place: the copy is spent, and freed at once.
  const output = module._png_decode(input, bytes.length, LIMITS.sourcePixels);
  module._png_free(input);
  if (output === 0) {
    if (module._png_result_code() === PNG_ERROR_MEMORY) throw new WasmOutOfMemory('png-dec');
    return undefined;
  }
  const size = { width: module._png_result_width(), height: module._png_result_height() };
  return lentPixels(module.HEAPU8, output, size, () => module._png_free(output));
}
