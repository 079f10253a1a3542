import avifDecFactory from '@jsquash/avif/codec/dec/avif_dec.js';
import avifDecWasm from '@jsquash/avif/codec/dec/avif_dec.wasm';
import { emscriptenModule } from './loader';

/** What the codec's decoder returns (its ImageData polyfill). */
interface DecodedPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}
interface AvifDecoderExports {
  decode(data: Uint8Array, bitDepth: 8): DecodedPixels | null;
}

/** libavif + dav1d, as @jsquash/avif builds them (we encode with our own: avif-encoder.ts). */
export const avifDecoderModule = emscriptenModule<AvifDecoderExports>(
  'avif-dec',
  avifDecFactory,
  avifDecWasm,
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
