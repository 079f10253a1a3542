import { BosError } from '../../errors';
import { coversAll, frameRows, type RasterImage } from '../../image';
import { anyTransparent } from '../../kernels/canvas';
import { decodeWebpAnimation, decodeWebpStill, webpDecoderModule } from '../../wasm/webp-decoder';
import { encodeWebpAnimation, encodeWebpRows, webpEncoderModule } from '../../wasm/webp-encoder';
import { ascii } from '../probe-helpers';
import { reductionFor, wholeRegion } from '../reduce';
import type { FormatModule, RowEncoder } from '../types';
import { probeWebp } from './probe';

const corrupt = () => new BosError('UnsupportedImageFormat', 'The WebP data is corrupt.');

/** Stills are written from rows (animations frame by frame). */
const rowEncoder: RowEncoder = {
  accepts: () => true,
  encode: (rows, settings) =>
    webpEncoderModule.use((module) =>
      encodeWebpRows(module, rows, settings.quality, settings.encoderGrantBytes),
    ),
};

/**
 * WebP through our libwebp builds (wasm/webp/): stills decoded cropped (in source pixels) and
 * scaled inside the decoder, animations composited frame by frame by WebPAnimDecoder; encoded
 * lossy (alpha lossless), stills fed by strips, animations frame by frame to WebPAnimEncoder.
 */
export const webp: FormatModule = {
  name: 'webp',
  mime: 'image/webp',
  extensions: ['webp'],
  keepsAlpha: true,
  keepsAnimation: true,
  defaultOutput: 'webp',
  memory: {
    // A still reduces like JPEG. An animation is composited at full size by WebPAnimDecoder, whose
    // canvases stay while each frame is copied out: 640×480, 20 frames measured 4.1 MiB of wasm
    // memory beside the frames' copies (1000×750: 9.5 MiB).
    decoder: (source) =>
      source.frames === 1
        ? { frameCopies: 2, sourceCopies: 0 }
        : { frameCopies: 1.5, sourceCopies: 1, sourcePixelBytes: 16 },
    // The encoder's wasm memory as measured (its initial 2 MiB is in the isolate's base). Stills
    // are fed by strips and held as YUV 4:2:0: a photo at full size, 6 MP (2725×2225) 19.3 MiB,
    // 12 MP (4000×3000) 36.9 MiB. Transparency adds libwebp's lossless alpha plane (an ARGB copy,
    // hash chain, transform buffer): 6 MP 128.2 MiB, 12 MP 252.6 MiB in all. An animation keeps
    // three canvases and the frame being encoded, and each frame's encoded data until the file is
    // assembled: 1000×750, 5 frames 24.7 MiB, 20 frames 29.6 MiB; 2000×1500, 5 frames 96 MiB.
    // That is libwebp without its token buffer (low_memory). The buffer (2 bytes a coded bit)
    // follows the picture's detail: ~3.2 bytes a pixel on the bench's grainy 12 MP photo, far
    // more on noise. It is granted as `fasterEncoder` when the budget has room, and capped by
    // wasm/webp/token-budget.patch: past its grant the still is encoded again with low_memory,
    // whose statistics pass reads a sample of macroblock rows (wasm/webp/stat-sample.patch).
    encoderBytesPerPixel: 3.25,
    fasterEncoder: { bytesPerPixel: 4 },
    encoderFixedBytes: 0,
    encoderAlphaBytesPerPixel: 20,
    animationEncoder: { canvasBytesPerPixel: 30, frameBytesPerPixel: 1 },
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
    const [frame, ...more] = image.frames;
    if (!frame) throw new BosError('InternalError', 'No frame to encode.');
    if (more.length === 0)
      return rowEncoder.encode(frameRows(frame.data, image, image.hasAlpha), settings);
    // ANMF durations are 24-bit milliseconds and the loop count 16-bit (0 forever).
    const frames = image.frames.map((each) => ({
      data: each.data,
      delayMs: Math.min(Math.max(0, Math.round(each.delayMs)), 0xffffff),
    }));
    const loopCount = Math.min(Math.max(0, image.loopCount ?? 0), 0xffff);
    return webpEncoderModule.use((module) =>
      encodeWebpAnimation(module, frames, image, settings.quality, loopCount),
    );
  },
  rowEncoder,
};
