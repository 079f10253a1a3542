import avifEncFactory from '../../wasm/dist/avif_enc.js';
import avifEncWasm from '../../wasm/dist/avif_enc.wasm';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import type { RowSource } from '../image';

/**
 * Exports of our AVIF encoder (wasm/avif/encoder.c): libaom in all-intra usage, its SSE2–SSE4.1
 * paths compiled to wasm SIMD, and our own AVIF container writer. A still is pushed in strips of
 * RGBA rows; transparency becomes an alpha auxiliary image at the colour's quality.
 */
interface AvifEncoderExports {
  HEAPU8: Uint8Array;
  _avif_enc_strip_rows(): number;
  _avif_enc_begin(width: number, height: number, quality: number, speed: number): number;
  _avif_enc_push(rows: number): number;
  _avif_enc_finish(): number;
  _avif_enc_size(): number;
  _avif_enc_release(): void;
  /** Why the last call failed: 1 memory ran out, 2 anything else. */
  _avif_enc_failure(): number;
}

export const avifEncoderModule = emscriptenModule<AvifEncoderExports>(
  'avif-enc',
  avifEncFactory,
  avifEncWasm,
);

/**
 * libaom's cpu-used. Measured on the bench's 1080p photo at quality 64 against sharp's AVIF
 * (libheif + aom, effort 1 = cpu-used 8): 8 is as fast as sharp with a 13 % smaller file at the
 * same SSIM; 9 is 2.5× faster again but loses detail on some photos (test/fixtures/photo/
 * concert.jpg: SSIM 0.978 for 0.981, 8 % larger); 7 and below use full RD search, 4× slower.
 */
const SPEED = 8;

/** The encoder's failure as an error: memory (the pipeline answers 503) or anything else. */
const failed = (module: AvifEncoderExports): Error =>
  module._avif_enc_failure() === 1
    ? new WasmOutOfMemory('avif-enc')
    : new Error('avif-enc: the encoder refused the picture');

/**
 * An AVIF of a still's RGBA rows at a 1–100 quality (libavif's scale), fed by strips: the encoder
 * converts each strip to YUV 4:2:0 (BT.601, full range) as it arrives, so its memory holds the
 * picture as YUV (plus an alpha plane with transparency) and libaom's working memory, never the
 * RGBA frame. Returns a copy of the AVIF.
 */
export function encodeAvifRows(
  module: AvifEncoderExports,
  rows: RowSource,
  quality: number,
): Uint8Array {
  try {
    const strip = module._avif_enc_begin(rows.width, rows.height, quality, SPEED);
    if (strip === 0) throw failed(module);
    const fed = feedStrips(rows, {
      heap: () => module.HEAPU8,
      strip,
      stripRows: module._avif_enc_strip_rows(),
      push: (rows) => module._avif_enc_push(rows) === 0,
    });
    if (!fed) throw failed(module);
    const output = module._avif_enc_finish();
    if (output === 0) throw failed(module);
    return module.HEAPU8.slice(output, output + module._avif_enc_size());
  } finally {
    module._avif_enc_release();
  }
}
