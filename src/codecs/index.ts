import { BosError, messages } from '../errors';
import type { OutputFormat, RasterImage } from '../image';
import { anyTransparent } from '../kernels/canvas';
import { LIMITS } from '../limits';
import { decodeBmp, encodeBmp } from './bmp';
import { decodeGif, encodeGif } from './gif';
import { decodeHeic } from './heic';
import { decodeJpeg } from './jpeg';
import { encodeJpeg } from './jpeg-encode';
import type { DecodeHint } from './reduced';
import { decodeWebp } from './webp';
import { encodeInterlacedPng } from './png-interlaced';
import type { ImageProbe } from './probe';
import { avifDecoder, avifEncoder, png, webpEncoder, type DecodedPixels } from './wasm-codecs';

export type { DecodeHint } from './reduced';

export interface EncodeSettings {
  format: OutputFormat;
  /** 1–100 on the JPEG scale; each encoder maps it to its own. */
  quality: number;
  progressive: boolean;
}

const asBytes = (pixels: DecodedPixels): Uint8Array =>
  pixels.data instanceof Uint8Array
    ? pixels.data
    : new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);

/**
 * Decodes to RGBA (every frame of an animation, up to the frame limit; a reduced view where the
 * hint allows). Any codec failure is the client's file: a 400, never a 500.
 */
export async function decodeImage(
  bytes: Uint8Array,
  probe: ImageProbe,
  hint: DecodeHint,
  /** Where a decoder that lends its memory leaves what must run when the request ends. */
  cleanup?: Array<() => void>,
): Promise<RasterImage> {
  let pixels: DecodedPixels | null;
  try {
    // Pure-TypeScript codecs return the whole (possibly animated) image.
    if (probe.format === 'gif') return checked(decodeGif(bytes, LIMITS.outputFrames), probe);
    if (probe.format === 'bmp') return checked(decodeBmp(bytes), probe);
    if (probe.format === 'heic') return checked(await decodeHeic(bytes), probe);
    const full = { width: probe.width, height: probe.height };
    if (probe.format === 'jpg') return await decodeJpeg(bytes, full, hint, cleanup);
    if (probe.format === 'webp') {
      return await decodeWebp(bytes, full, probe.frames, hint, LIMITS.outputFrames);
    }
    switch (probe.format) {
      case 'png':
        pixels = png().decode(bytes);
        break;
      case 'avif':
        pixels = (await avifDecoder()).decode(bytes, 8);
        break;
      default:
        throw new BosError('NotImplemented', messages.notImplemented(`decoding ${probe.format}`));
    }
  } catch (error) {
    if (error instanceof BosError) throw error;
    throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
  }
  if (!pixels) throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
  const data = asBytes(pixels);
  return checked(
    {
      width: pixels.width,
      height: pixels.height,
      // Trust the header's claim only when pixels confirm it, so opaque files stay opaque.
      hasAlpha: probe.hasAlpha && anyTransparent(data),
      frames: [{ data, delayMs: 0 }],
    },
    probe,
  );
}

/** The decoder must agree with the header the limits were checked against. */
function checked(image: RasterImage, probe: ImageProbe): RasterImage {
  if (image.width !== probe.width || image.height !== probe.height) {
    throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
  }
  return image;
}

/** WebP and AVIF qualities that look like a given JPEG quality. */
const avifQuality = (jpegQuality: number) => Math.max(1, Math.round(jpegQuality * 0.75));

export async function encodeImage(
  image: RasterImage,
  settings: EncodeSettings,
): Promise<Uint8Array> {
  const frame = image.frames[0];
  if (!frame) throw new BosError('InternalError', 'No frame to encode.');
  const { width, height } = image;
  let output: Uint8Array | null;
  try {
    switch (settings.format) {
      case 'jpg':
        output = await encodeJpeg(frame.data, image, settings.quality, settings.progressive);
        break;
      case 'png':
        output = settings.progressive
          ? await encodeInterlacedPng(image)
          : png().encode(frame.data, width, height);
        break;
      case 'gif':
        output = encodeGif(image);
        break;
      case 'bmp':
        output = encodeBmp(image);
        break;
      case 'webp':
        output = (await webpEncoder()).encode(frame.data, width, height, {
          ...WEBP_DEFAULTS,
          quality: settings.quality,
          // Lossless alpha planes cost little and avoid halos on edges.
          alpha_quality: 100,
        });
        break;
      case 'avif':
        output = (await avifEncoder()).encode(frame.data, width, height, {
          quality: avifQuality(settings.quality),
          qualityAlpha: -1,
          denoiseLevel: 0,
          tileRowsLog2: 0,
          tileColsLog2: 0,
          // Fastest speeds that still beat WebP on size: encoding runs inside a request.
          speed: 8,
          subsample: 1,
          chromaDeltaQ: false,
          sharpness: 0,
          enableSharpYUV: false,
          tune: 0,
          bitDepth: 8,
        });
        break;
      default:
        throw new BosError('NotImplemented', messages.notImplemented(`${settings.format} output`));
    }
  } catch (error) {
    if (error instanceof BosError) throw error;
    throw new BosError('InternalError', `The ${settings.format} encoder failed.`);
  }
  if (!output || output.length === 0) {
    throw new BosError('InternalError', `The ${settings.format} encoder failed.`);
  }
  // Copy out of the codec's wasm memory so the next request cannot overwrite the body.
  return output.slice();
}

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
