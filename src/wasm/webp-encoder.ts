import webpEncFactory from '../../wasm/dist/webp_enc.js';
import webpEncWasm from '../../wasm/dist/webp_enc.wasm';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import { frameRows, type Frame, type RowSource, type Size } from '../image';

/**
 * Exports of our libwebp encoder (wasm/webp/encoder.c): stills and animation frames pushed in
 * strips of RGBA rows, lossy at libwebp's default settings (method 4) with a lossless alpha plane.
 */
interface WebpEncoderExports {
  HEAPU8: Uint8Array;
  _webp_enc_strip_rows(): number;
  _webp_enc_begin(width: number, height: number, quality: number, tokenBudget: number): number;
  _webp_enc_push(rows: number): number;
  _webp_enc_finish(): number;
  _webp_enc_size(): number;
  _webp_enc_release(): void;
  /** Why the last call failed: 1 memory ran out, 2 anything else. */
  _webp_enc_failure(): number;
  _webp_anim_enc_begin(width: number, height: number, quality: number, loopCount: number): number;
  _webp_anim_enc_push(rows: number): number;
  _webp_anim_enc_add(timestampMs: number): number;
  _webp_anim_enc_finish(endMs: number): number;
}

export const webpEncoderModule = emscriptenModule<WebpEncoderExports>(
  'webp-enc',
  webpEncFactory,
  webpEncWasm,
);

/** The encoder's failure as an error: memory (the pipeline answers 503) or anything else. */
const failed = (module: WebpEncoderExports): Error =>
  module._webp_enc_failure() === 1
    ? new WasmOutOfMemory('webp-enc')
    : new Error('webp-enc: the encoder refused the picture');

/** Feeds a still's or a frame's rows to the encoder's strip buffer; false when a push failed. */
const feed = (
  module: WebpEncoderExports,
  rows: RowSource,
  strip: number,
  push: (rows: number) => number,
) =>
  feedStrips(rows, {
    heap: () => module.HEAPU8,
    strip,
    stripRows: module._webp_enc_strip_rows(),
    push: (rows) => push(rows) === 0,
  });

/**
 * A lossy WebP of a still's RGBA rows fed by strips: the encoder converts each strip to YUV 4:2:0
 * as it arrives, so its memory holds the picture as YUV(A) (1.5 bytes a pixel, 2.5 with
 * transparency) and libwebp's working memory, never the RGBA frame. Returns a copy of the WebP.
 */
export function encodeWebpRows(
  module: WebpEncoderExports,
  rows: RowSource,
  quality: number,
  /** Bytes libwebp's token buffer may take (faster); 0, or past it, encodes without one. */
  tokenBudget: number,
): Uint8Array {
  try {
    const strip = module._webp_enc_begin(rows.width, rows.height, quality, tokenBudget);
    if (strip === 0) throw failed(module);
    const fed = feed(module, rows, strip, (count) => module._webp_enc_push(count));
    if (!fed) throw failed(module);
    const output = module._webp_enc_finish();
    if (output === 0) throw failed(module);
    return module.HEAPU8.slice(output, output + module._webp_enc_size());
  } finally {
    module._webp_enc_release();
  }
}

/**
 * An animated lossy WebP (libwebp's WebPAnimEncoder) of frames fed one at a time, each by strips,
 * keeping every frame's delay and the loop count (0: forever). Returns a copy of the WebP.
 */
export function encodeWebpAnimation(
  module: WebpEncoderExports,
  frames: readonly Frame[],
  size: Size,
  quality: number,
  loopCount: number,
): Uint8Array {
  try {
    const strip = module._webp_anim_enc_begin(size.width, size.height, quality, loopCount);
    if (strip === 0) throw failed(module);
    let timestamp = 0;
    for (const frame of frames) {
      const fed = feed(module, frameRows(frame.data, size, true), strip, (rows) =>
        module._webp_anim_enc_push(rows),
      );
      if (!fed || module._webp_anim_enc_add(timestamp) !== 0) throw failed(module);
      timestamp += frame.delayMs;
    }
    const output = module._webp_anim_enc_finish(timestamp);
    if (output === 0) throw failed(module);
    return module.HEAPU8.slice(output, output + module._webp_enc_size());
  } finally {
    module._webp_enc_release();
  }
}
