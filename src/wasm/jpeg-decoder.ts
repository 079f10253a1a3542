import jpegDecFactory from '../../wasm/dist/jpeg_dec.js';
import jpegDecWasm from '../../wasm/dist/jpeg_dec.wasm';
import type { Rect } from '../image';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { lentPixels, type WasmPixels } from './pixels';

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
  _jpeg_stream_begin(data: number, length: number, stripRows: number): number;
  _jpeg_stream_read(rows: number): number;
  _jpeg_stream_end(): number;
}

/** Result codes of wasm/jpeg/decoder.c that are not the file's fault. */
const JPEG_ERROR_MEMORY = 3;

export const jpegDecoderModule = emscriptenModule<JpegDecoderExports>(
  'jpeg-dec',
  jpegDecFactory,
  jpegDecWasm,
);

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
  const size = { width: module._jpeg_result_width(), height: module._jpeg_result_height() };
  return lentPixels(module.HEAPU8, output, size, () => module._jpeg_free(output));
}

/** Rows a streamed decode delivers at most per call (the encoders ask for 16 at a time). */
export const JPEG_STREAM_STRIP_ROWS = 16;

/** A full-size decode delivered strip by strip (wasm/jpeg/decoder.c `jpeg_stream_*`). */
export interface JpegRows {
  width: number;
  height: number;
  hasAlpha: false;
  /** The next rows (a view into the module's memory, valid until the next call); undefined when
   * the data proved corrupt. */
  next(rows: number): Uint8Array | undefined;
  /** Whether every row came from clean data. Frees the stream; call once, after the last row. */
  end(): boolean;
  /** Frees whatever is still held (safe after `end`). */
  close(): void;
}

/**
 * Opens `bytes` for a streamed full-size decode; undefined when the header is refused. The
 * module's instance must stay held until `close()`: the stream lives in its memory. Out of
 * memory throws WasmOutOfMemory.
 */
export function openJpegRows(module: JpegDecoderExports, bytes: Uint8Array): JpegRows | undefined {
  let input = module._jpeg_alloc(bytes.length);
  if (input === 0) throw new WasmOutOfMemory('jpeg-dec');
  module.HEAPU8.set(bytes, input);
  const close = () => {
    if (input === 0) return;
    module._jpeg_stream_end();
    module._jpeg_free(input);
    input = 0;
  };
  const failed = () => {
    const memory = module._jpeg_result_code() === JPEG_ERROR_MEMORY;
    close();
    if (memory) throw new WasmOutOfMemory('jpeg-dec');
    return undefined;
  };
  if (module._jpeg_stream_begin(input, bytes.length, JPEG_STREAM_STRIP_ROWS) !== 0) return failed();
  const width = module._jpeg_result_width();
  const height = module._jpeg_result_height();
  return {
    width,
    height,
    hasAlpha: false,
    next(rows) {
      if (rows > JPEG_STREAM_STRIP_ROWS) throw new Error(`jpeg-dec: ${rows} rows asked at once`);
      const strip = module._jpeg_stream_read(rows);
      if (strip === 0) return failed();
      return module.HEAPU8.subarray(strip, strip + rows * width * 4);
    },
    end() {
      const clean = module._jpeg_stream_end() === 0;
      close();
      return clean;
    },
    close,
  };
}
