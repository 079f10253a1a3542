import type { ImageProbe } from '../codecs/probe';
import { decodesReduced, hintScale, wholeRegion, type DecodeHint } from '../codecs/reduced';
import type { OutputFormat, Size } from '../image';
import { LIMITS } from '../limits';

const MIB = 1024 * 1024;

/**
 * Predicted peak memory (JS and wasm) of one request, from what the plan knows before decoding.
 * Coefficients are measured with `npm run bench` (workerd peak RSS growth, wasm memory sizes):
 * - the isolate with its first codec instances, one 16 MiB encoder included: ~22 MiB (with
 *   reduced decodes as small as 500 px, 12 MP → 400 px WebP measures +30–32 MiB in all);
 * - the source twice (JS bytes and the decoder's copy);
 * - the decoded RGBA twice (the decoder's memory, and its JS copy or, for JPEG, the decoder's
 *   working memory and what the collector has not returned yet); decoders that cannot reduce (PNG,
 *   AVIF, HEIC) hold the source and three frame-sized buffers more in their own memory (measured
 *   on the bench's 3 MP PNG);
 * - then the largest stage: an action's input and output frames alive together (orientation
 *   counts as a stage), plus, for a resize, the resampler's memory (the source is streamed in by
 *   rows, so only its horizontally resampled rows, output width × input height, and its output);
 * - the encoders: JPEG (ours, fed by row strips) ~6 bytes per output pixel (its Huffman-optimising
 *   coefficient buffer and output; a 6 MP JPEG re-encoded at full size measured +65 MiB in all,
 *   +141 MiB with mozjpeg before); WebP ~10 (6 MP to WebP at full size: +113 MiB measured, 126
 *   predicted) and PNG ~14 (both copy the frame in whole); AVIF
 *   another 16 MiB and ~32 a pixel.
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
}): number {
  const { probe, sourceBytes, hint, sizes, resamples, oriented, output, format } = input;
  const frames = Math.min(probe.frames, LIMITS.outputFrames);
  const decodedSize = decodedDimensions(probe, hint);
  const frameBytes = (size: Size) => 4 * size.width * size.height * frames;
  const decoded = frameBytes(decodedSize);
  const reduces = decodesReduced(probe) || probe.format === 'gif' || probe.format === 'bmp';
  const decoder = reduces ? 2 * decoded : 2 * decoded + sourceBytes + 3 * decoded;
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
  const outputPixels = output.width * output.height;
  const encoder =
    format === 'avif'
      ? 16 * MIB + outputPixels * 32
      : format === 'jpg'
        ? outputPixels * 6
        : format === 'webp'
          ? outputPixels * 10
          : format === 'png'
            ? outputPixels * 14
            : outputPixels * 4 * frames * 2;
  return 22 * MIB + 2 * sourceBytes + decoder + stage + encoder;
}

/** What the decoder will produce for this hint (JPEG and still WebP reduce; others do not). */
export function decodedDimensions(probe: ImageProbe, hint: DecodeHint): Size {
  const full = { width: probe.width, height: probe.height };
  const scale = hintScale(probe, hint);
  if (scale === 1 && !hint.region) return full;
  const region = wholeRegion(hint.region, full);
  return { width: Math.ceil(region.width * scale), height: Math.ceil(region.height * scale) };
}
