import { formatModule, hintScale } from '../formats/registry';
import { wholeRegion } from '../formats/reduce';
import type { DecodeHint, ImageProbe, OutputFormat } from '../formats/types';
import type { Size } from '../image';

const MIB = 1024 * 1024;

/**
 * What every prediction includes once: the isolate with its first codec instances. Concurrent
 * requests share it, so the isolate-wide admission (pipeline/admission.ts) counts it once.
 */
export const ISOLATE_BASE_BYTES = 22 * MIB;

/**
 * Predicted peak memory (JS and wasm) of one request, from what the plan knows before decoding.
 * Coefficients are measured with `npm run bench` (workerd peak RSS growth, wasm memory sizes):
 * - the isolate with its first codec instances, one 16 MiB encoder included: ~22 MiB (with
 *   reduced decodes as small as 500 px, 12 MP → 400 px WebP measures +30–32 MiB in all);
 * - the source twice (JS bytes and the decoder's copy);
 * - the decoder: copies of the decoded RGBA and of the source, as its format module declares
 *   (when the plan streams rows from decoder to encoder, no frame: its working memory instead)
 *   (JPEG 1.2 frames, plus a multi-scan file's coefficients at any scale; WebP twice the frames;
 *   PNG the file and 1.25 frames, more for 16-bit and interlaced files; AVIF and HEIC, which
 *   cannot reduce, hold the source and three frame-sized buffers more in their own memory);
 * - then the largest stage: an action's input and output frames alive together (orientation
 *   counts as a stage), plus, for a resize, the resampler's memory (the source is streamed in by
 *   rows, so only its horizontally resampled rows, output width × input height, and its output);
 * - the encoder, as its format module declares per output pixel (JPEG ~6: a 6 MP JPEG
 *   re-encoded at full size measured +65 MiB in all; WebP ~3.3, ~23 with transparency, and for
 *   an animation ~30 of one canvas plus ~1 a frame: 12 MP JPEG to WebP at full size measured
 *   +101–106 MiB, 116 predicted; PNG ~4, the file twice; AVIF another 16 MiB and ~32 a pixel);
 * - what the actions declare beyond their frames (a watermark's picture, say).
 */
export function predictPeakBytes(input: {
  probe: ImageProbe;
  sourceBytes: number;
  hint: DecodeHint;
  /** Size after each pixel action, and whether that action resamples. */
  sizes: Size[];
  resamples: boolean[];
  /** Whether an EXIF orientation is applied (a frame-sized copy). */
  oriented: boolean;
  output: Size;
  format: OutputFormat;
  /** Frames the plan decodes. */
  frames: number;
  /** Whether the output may have transparency (the source's, or an action's). */
  alpha: boolean;
  /** Bytes the actions declared beyond their frames. */
  extraBytes: number;
  /** Whether the output is progressive (a JPEG then needs its whole coefficient buffer). */
  progressive?: boolean;
  /** Whether rows stream from decoder to encoder (no frame: the decoder's working memory only). */
  streamed?: boolean;
}): number {
  const { probe, sourceBytes, hint, sizes, resamples, oriented, output, format, frames } = input;
  const decodedSize = decodedDimensions(probe, hint);
  const frameBytes = (size: Size) => 4 * size.width * size.height * frames;
  const decoded = frameBytes(decodedSize);
  const {
    frameCopies,
    sourceCopies,
    sourcePixelBytes = 0,
  } = formatModule(probe.format).memory.decoder(probe);
  const rowDecoder = input.streamed ? formatModule(probe.format).rowDecoder : undefined;
  const decoder =
    (rowDecoder ? rowDecoder.workingBytes(probe) : frameCopies * decoded) +
    sourceCopies * sourceBytes +
    sourcePixelBytes * probe.width * probe.height;
  // Frames held while each stage runs beyond the decoded one (already counted in `decoder`).
  let previous = oriented ? decodedSize : undefined;
  let stage = previous ? frameBytes(previous) : 0;
  sizes.forEach((size, index) => {
    const inputSize = previous ?? decodedSize;
    const inputBytes = previous ? frameBytes(inputSize) : 0;
    const resampler = resamples[index]
      ? 4 * size.width * inputSize.height * frames + frameBytes(size)
      : 0;
    stage = Math.max(stage, inputBytes + frameBytes(size) + resampler);
    previous = size;
  });
  const { keepsAnimation, memory } = formatModule(format);
  const encodedFrames = keepsAnimation ? frames : 1;
  const outputPixels = output.width * output.height;
  const animation = encodedFrames > 1 ? memory.animationEncoder : undefined;
  // A large output that is not progressive may take the encoder's leaner path (JPEG: one pass).
  const lean =
    memory.leanEncoder && !input.progressive && outputPixels > memory.leanEncoder.abovePixels
      ? memory.leanEncoder
      : undefined;
  const stillPerPixel =
    (lean?.bytesPerPixel ?? memory.encoderBytesPerPixel) +
    (input.alpha ? (memory.encoderAlphaBytesPerPixel ?? 0) : 0);
  const perPixel = animation
    ? animation.canvasBytesPerPixel + encodedFrames * animation.frameBytesPerPixel
    : encodedFrames * stillPerPixel;
  const encoder = memory.encoderFixedBytes + outputPixels * perPixel;
  return ISOLATE_BASE_BYTES + 2 * sourceBytes + decoder + stage + encoder + input.extraBytes;
}

/** What the decoder will produce for this hint (formats with a `reduction` reduce). */
export function decodedDimensions(probe: ImageProbe, hint: DecodeHint): Size {
  const full = { width: probe.width, height: probe.height };
  const scale = hintScale(probe, hint);
  if (scale === 1 && !hint.region) return full;
  const region = wholeRegion(hint.region, full);
  return { width: Math.ceil(region.width * scale), height: Math.ceil(region.height * scale) };
}
