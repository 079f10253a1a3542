import webpEncFactory from '@jsquash/webp/codec/enc/webp_enc_simd.js';
import webpEncWasm from '@jsquash/webp/codec/enc/webp_enc_simd.wasm';
import { emscriptenModule } from './loader';
import type { Size } from '../image';

/** libwebp's encoder as @jsquash/webp builds it (SIMD glue and module). */
interface WebpEncoderExports {
  encode(
    data: Uint8Array,
    width: number,
    height: number,
    options: Record<string, number>,
  ): Uint8Array | null;
}

export const webpEncoderModule = emscriptenModule<WebpEncoderExports>(
  'webp-enc',
  webpEncFactory,
  webpEncWasm,
);

/** libwebp's defaults as @jsquash/webp ships them (method 4, VP8 filters on). */
const WEBP_DEFAULTS: Record<string, number> = {
  quality: 75,
  target_size: 0,
  target_PSNR: 0,
  method: 4,
  sns_strength: 50,
  filter_strength: 60,
  filter_sharpness: 0,
  filter_type: 1,
  partitions: 0,
  segments: 4,
  pass: 1,
  show_compressed: 0,
  preprocessing: 0,
  autofilter: 0,
  partition_limit: 0,
  alpha_compression: 1,
  alpha_filtering: 1,
  alpha_quality: 100,
  lossless: 0,
  exact: 0,
  image_hint: 0,
  emulate_jpeg_size: 0,
  thread_level: 0,
  low_memory: 0,
  near_lossless: 100,
  use_delta_palette: 0,
  use_sharp_yuv: 0,
};

/** A lossy WebP of one RGBA frame (a copy); undefined when the encoder fails. */
export function encodeWebpRgba(
  module: WebpEncoderExports,
  data: Uint8Array,
  size: Size,
  quality: number,
): Uint8Array | undefined {
  // Lossless alpha planes cost little and avoid halos on edges.
  const options = { ...WEBP_DEFAULTS, quality, alpha_quality: 100 };
  const output = module.encode(data, size.width, size.height, options);
  return output && output.length > 0 ? output.slice() : undefined;
}
