import jpegEncFactory from '../../wasm/dist/jpeg_enc.js';
import jpegEncWasm from '../../wasm/dist/jpeg_enc.wasm';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import type { RowSource } from '../image';

/** Exports of our libjpeg-turbo encoder (wasm/jpeg/encoder.c): rows pushed in strips. */
interface JpegEncoderExports {
  HEAPU8: Uint8Array;
  _jpeg_enc_begin(
    width: number,
    height: number,
    quality: number,
    progressive: number,
    optimize: number,
  ): number;
  _jpeg_enc_strip_rows(): number;
  _jpeg_enc_push(rows: number): number;
  _jpeg_enc_finish(): number;
  _jpeg_enc_size(): number;
  _jpeg_enc_release(): void;
}

export const jpegEncoderModule = emscriptenModule<JpegEncoderExports>(
  'jpeg-enc',
  jpegEncFactory,
  jpegEncWasm,
);

/**
 * Encodes RGBA rows fed by strips, so a frame is never copied into the encoder whole: its memory
 * is the strip, the output and, with optimised Huffman tables (or progressive), a coefficient
 * buffer of the whole image (~3 bytes a pixel at 4:2:0). Returns a copy of the JPEG.
 */
export function encodeJpegRows(
  module: JpegEncoderExports,
  rows: RowSource,
  quality: number,
  progressive: boolean,
  optimize: boolean,
): Uint8Array {
  try {
    const strip = module._jpeg_enc_begin(
      rows.width,
      rows.height,
      quality,
      progressive ? 1 : 0,
      optimize ? 1 : 0,
    );
    if (strip === 0) throw new WasmOutOfMemory('jpeg-enc');
    const fed = feedStrips(rows, {
      heap: () => module.HEAPU8,
      strip,
      stripRows: module._jpeg_enc_strip_rows(),
      push: (rows) => module._jpeg_enc_push(rows) === 0,
    });
    if (!fed) throw new WasmOutOfMemory('jpeg-enc');
    const output = module._jpeg_enc_finish();
    if (output === 0) throw new WasmOutOfMemory('jpeg-enc');
    return module.HEAPU8.slice(output, output + module._jpeg_enc_size());
  } finally {
    module._jpeg_enc_release();
  }
}
