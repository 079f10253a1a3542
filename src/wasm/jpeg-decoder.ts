import jpegDecFactory from '../../wasm/dist/jpeg_dec.js';
import jpegDecWasm from '../../wasm/dist/jpeg_dec.wasm';
import type { Rect } from '../image';
import { emscriptenModule, WasmOutOfMemory } from './loader';

/** Exports of our libjpeg-turbo decoder (wasm/jpeg/decoder.c). */
interface JpegDecoderExports {
  HEAPU8: Uint8Array;
  _jpeg_alloc(size: number): number;
  _jpeg_free(pointer: number): void;
  _jpeg_decode(
    data: number,
    length: number,
    eighths: number,
    x: number,
    y: number,
    width: number,
    height: number,
  ): number;
  _jpeg_result_width(): number;
  _jpeg_result_height(): number;
  _jpeg_result_code(): number;
}

/** Result codes of wasm/jpeg/decoder.c that are not the file's fault. */
const JPEG_ERROR_MEMORY = 3;

export const jpegDecoderModule = emscriptenModule<JpegDecoderExports>(
  'jpeg-dec',
  jpegDecFactory,
  jpegDecWasm,
);

/** RGBA pixels that live in a module's memory until `free()`. */
export interface WasmPixels {
  width: number;
  height: number;
  /** A view into the module's memory: valid until `free()` or until the module runs again. */
  data: Uint8Array;
  free(): void;
}

/**
 * Decodes at `eighths`/8 (DCT-domain scaling: the IDCT itself outputs fewer pixels) the region
 * given in scaled pixels. Undefined when the data is corrupt or truncated (warnings included, so
 * a partial image never comes back); out of memory throws WasmOutOfMemory.
 */
export function decodeJpegRegion(
  module: JpegDecoderExports,
  bytes: Uint8Array,
  eighths: number,
  region: Rect,
): WasmPixels | undefined {
  const input = module._jpeg_alloc(bytes.length);
  if (input === 0) throw new WasmOutOfMemory('jpeg-dec');
  module.HEAPU8.set(bytes, input);
  const output = module._jpeg_decode(
    input,
    bytes.length,
    eighths,
    region.x,
    region.y,
    region.width,
    region.height,
  );
  module._jpeg_free(input);
  if (output === 0) {
    if (module._jpeg_result_code() === JPEG_ERROR_MEMORY) throw new WasmOutOfMemory('jpeg-dec');
    return undefined;
  }
  const width = module._jpeg_result_width();
  const height = module._jpeg_result_height();
  return {
    width,
    height,
    data: module.HEAPU8.subarray(output, output + width * height * 4),
    free: () => module._jpeg_free(output),
  };
}
