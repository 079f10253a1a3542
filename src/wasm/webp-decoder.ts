import webpDecFactory from '../../wasm/dist/webp_dec.js';
import webpDecWasm from '../../wasm/dist/webp_dec.wasm';
import type { Rect, Size } from '../image';
import { emscriptenModule, WasmOutOfMemory } from './loader';

/** Exports of our libwebp decoder (wasm/webp/decoder.c). */
interface WebpDecoderExports {
  HEAPU8: Uint8Array;
  _webp_alloc(size: number): number;
  _webp_free(pointer: number): void;
  _webp_decode(
    data: number,
    length: number,
    cropX: number,
    cropY: number,
    cropWidth: number,
    cropHeight: number,
    outWidth: number,
    outHeight: number,
  ): number;
  _webp_anim_open(data: number, length: number): number;
  _webp_anim_loop_count(decoder: number): number;
  _webp_anim_next(decoder: number): number;
  _webp_anim_timestamp(): number;
  _webp_anim_close(decoder: number): void;
}

export const webpDecoderModule = emscriptenModule<WebpDecoderExports>(
  'webp-dec',
  webpDecFactory,
  webpDecWasm,
);

/** Copies `bytes` into the module for the length of `use`. */
function withInput<R>(module: WebpDecoderExports, bytes: Uint8Array, use: (input: number) => R): R {
  const input = module._webp_alloc(bytes.length);
  if (input === 0) throw new WasmOutOfMemory('webp-dec');
  module.HEAPU8.set(bytes, input);
  try {
    return use(input);
  } finally {
    module._webp_free(input);
  }
}

/**
 * A still, cropped (source pixels; all zero: none) and scaled inside libwebp (0: not scaled).
 * Returns a copy of `output` RGBA pixels, or undefined when the data is corrupt.
 */
export function decodeWebpStill(
  module: WebpDecoderExports,
  bytes: Uint8Array,
  crop: Rect,
  output: Size,
  scaled: boolean,
): Uint8Array | undefined {
  return withInput(module, bytes, (input) => {
    const pixels = module._webp_decode(
      input,
      bytes.length,
      crop.x,
      crop.y,
      crop.width,
      crop.height,
      scaled ? output.width : 0,
      scaled ? output.height : 0,
    );
    if (pixels === 0) return undefined;
    const data = module.HEAPU8.slice(pixels, pixels + output.width * output.height * 4);
    module._webp_free(pixels);
    return data;
  });
}

export interface WebpAnimation {
  frames: Array<{ data: Uint8Array; delayMs: number }>;
  loopCount: number;
}

/**
 * The first `maxFrames` frames of an animation, each composited by WebPAnimDecoder onto a canvas
 * of `canvasBytes`; undefined when the data is corrupt.
 */
export function decodeWebpAnimation(
  module: WebpDecoderExports,
  bytes: Uint8Array,
  canvasBytes: number,
  maxFrames: number,
): WebpAnimation | undefined {
  return withInput(module, bytes, (input) => {
    const decoder = module._webp_anim_open(input, bytes.length);
    if (decoder === 0) return undefined;
    try {
      const frames: WebpAnimation['frames'] = [];
      let previous = 0;
      while (frames.length < maxFrames) {
        const canvas = module._webp_anim_next(decoder);
        if (canvas === 0) break;
        const timestamp = module._webp_anim_timestamp();
        frames.push({
          data: module.HEAPU8.slice(canvas, canvas + canvasBytes),
          delayMs: timestamp - previous,
        });
        previous = timestamp;
      }
      if (frames.length === 0) return undefined;
      return { frames, loopCount: module._webp_anim_loop_count(decoder) };
    } finally {
      module._webp_anim_close(decoder);
    }
  });
}
