import { BosError } from '../../errors';
import { coversAll, type RasterImage } from '../../image';
import { anyTransparent } from '../../kernels/canvas';
import { decodeWebpAnimation, decodeWebpStill, webpDecoderModule } from '../../wasm/webp-decoder';
import { encodeWebpRgba, webpEncoderModule } from '../../wasm/webp-encoder';
import { ascii } from '../probe-helpers';
import { reductionFor, wholeRegion } from '../reduce';
import type { FormatModule } from '../types';
import { probeWebp } from './probe';

const corrupt = () => new BosError('UnsupportedImageFormat', 'The WebP data is corrupt.');

/**
 * WebP through our libwebp build (wasm/webp/) to decode: stills cropped (in source pixels) and
 * scaled inside the decoder, animations composited frame by frame by WebPAnimDecoder. Encoded
 * lossy by libwebp as @jsquash/webp builds it.
 */
export const webp: FormatModule = {
  name: 'webp',
  mime: 'image/webp',
  extensions: ['webp'],
  keepsAlpha: true,
  // Animated WebP output arrives with its encoder; until then a WebP output is the first frame.
  keepsAnimation: false,
  defaultOutput: 'webp',
  memory: {
    // A still reduces like JPEG; an animation's canvases are composited at full size.
    decoder: (source) =>
      source.frames === 1
        ? { frameCopies: 2, sourceCopies: 0 }
        : { frameCopies: 5, sourceCopies: 1 },
    // The encoder copies the frame in whole (6 MP to WebP at full size: +113 MiB measured).
    encoderBytesPerPixel: 10,
    encoderFixedBytes: 0,
  },
  /**
   * libwebp's scaler is a box filter, so it reduces in the same power-of-two steps and leaves the
   * final size to the high-quality resize. A margin of 2 is within 0.0005 SSIM of 4 on the
   * fixtures; 1.25 dropped a drawing (formats/4.webp) to 0.988.
   */
  reduction: {
    faithfulMargin: 2,
    applies: (source) => source.frames === 1,
    stepAtLeast: (wanted) => 1 / reductionFor(wanted),
  },
  sniff: (bytes) =>
    bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP',
  probe: probeWebp,
  async decode(bytes, probe, hint, options): Promise<RasterImage> {
    const full = { width: probe.width, height: probe.height };
    if (probe.frames > 1) {
      const animation = await webpDecoderModule.use((module) =>
        decodeWebpAnimation(module, bytes, full.width * full.height * 4, options.frames),
      );
      if (!animation) throw corrupt();
      return {
        ...full,
        frames: animation.frames,
        hasAlpha: animation.frames.some((frame) => anyTransparent(frame.data)),
        loopCount: animation.loopCount,
      };
    }
    const region = wholeRegion(hint.region, full);
    const denominator = reductionFor(hint.scale);
    const size = {
      width: Math.max(1, Math.ceil(region.width / denominator)),
      height: Math.max(1, Math.ceil(region.height / denominator)),
    };
    const cropped = !coversAll(region, full);
    const data = await webpDecoderModule.use((module) =>
      decodeWebpStill(
        module,
        bytes,
        cropped ? region : { x: 0, y: 0, width: 0, height: 0 },
        size,
        denominator > 1,
      ),
    );
    if (!data) throw corrupt();
    const image: RasterImage = {
      ...size,
      hasAlpha: anyTransparent(data),
      frames: [{ data, delayMs: 0 }],
    };
    return denominator === 1 && !cropped ? image : { ...image, view: { full, rect: region } };
  },
  encode: async (image, settings) => {
    const frame = image.frames[0];
    if (!frame) throw new BosError('InternalError', 'No frame to encode.');
    const output = await webpEncoderModule.use((module) =>
      encodeWebpRgba(module, frame.data, image, settings.quality),
    );
    if (!output) throw new BosError('InternalError', 'The webp encoder failed.');
    return output;
  },
};
