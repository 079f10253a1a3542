import avifDecFactory from '@jsquash/avif/codec/dec/avif_dec.js';
import avifDecWasm from '@jsquash/avif/codec/dec/avif_dec.wasm';
import avifEncFactory from '@jsquash/avif/codec/enc/avif_enc.js';
import avifEncWasm from '@jsquash/avif/codec/enc/avif_enc.wasm';
import { emscriptenModule } from './loader';
import type { Size } from '../image';

/** What the codec's decoder returns (its ImageData polyfill). */
interface DecodedPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}
interface AvifEncodeOptions {
  quality: number;
  qualityAlpha: number;
  denoiseLevel: number;
  tileRowsLog2: number;
  tileColsLog2: number;
  speed: number;
  subsample: number;
  chromaDeltaQ: boolean;
  sharpness: number;
  enableSharpYUV: boolean;
  tune: number;
  bitDepth: number;
}
interface AvifDecoderExports {
  decode(data: Uint8Array, bitDepth: 8): DecodedPixels | null;
}
interface AvifEncoderExports {
  encode(
    data: Uint8Array,
    width: number,
    height: number,
    options: AvifEncodeOptions,
  ): Uint8Array | null;
}

/** libavif + dav1d and libavif + aom, as @jsquash/avif builds them. */
export const avifDecoderModule = emscriptenModule<AvifDecoderExports>(
  'avif-dec',
  avifDecFactory,
  avifDecWasm,
);
export const avifEncoderModule = emscriptenModule<AvifEncoderExports>(
  'avif-enc',
  avifEncFactory,
  avifEncWasm,
);

/** The primary image as RGBA (a JS copy), or undefined when libavif cannot decode it. */
export function decodeAvifRgba(
  module: AvifDecoderExports,
  bytes: Uint8Array,
): { data: Uint8Array; width: number; height: number } | undefined {
  const pixels = module.decode(bytes, 8);
  if (!pixels) return undefined;
  const { data } = pixels;
  return {
    width: pixels.width,
    height: pixels.height,
    data:
      data instanceof Uint8Array
        ? data
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** An AVIF of one RGBA frame (a copy) at a 0–100 quality; undefined when the encoder fails. */
export function encodeAvifRgba(
  module: AvifEncoderExports,
  data: Uint8Array,
  size: Size,
  quality: number,
): Uint8Array | undefined {
  const output = module.encode(data, size.width, size.height, {
    quality,
    qualityAlpha: -1,
    denoiseLevel: 0,
    tileRowsLog2: 0,
    tileColsLog2: 0,
    // Fastest speed that still beats WebP on size: encoding runs inside a request.
    speed: 8,
    subsample: 1,
    chromaDeltaQ: false,
    sharpness: 0,
    enableSharpYUV: false,
    tune: 0,
    bitDepth: 8,
  });
  return output && output.length > 0 ? output.slice() : undefined;
}
