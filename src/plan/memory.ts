import type { ImageProbe } from '../codecs/probe';
import { decodesReduced, reductionFor, wholeRegion, type DecodeHint } from '../codecs/reduced';
import type { OutputFormat, Size } from '../image';
import { LIMITS } from '../limits';

const MIB = 1024 * 1024;

/**
 * Predicted peak memory (JS and wasm) of one request, from what the plan knows before decoding.
 * Coefficients are measured with `npm run bench` (workerd peak RSS growth, wasm memory sizes):
 * - the isolate with its first codec instances, one 16 MiB encoder included: ~20 MiB;
 * - the source twice (JS bytes and the decoder's copy);
 * - the decoded RGBA twice (decoder memory and its JS copy); decoders that cannot reduce (PNG,
 *   AVIF, HEIC) hold the source and three frame-sized buffers more in their own memory
 *   (measured on the bench's 3 MP PNG: 133 MiB in all);
 * - the resampler: the source is streamed in by rows, so only its horizontally resampled rows
 *   (output width × decoded height) and its output stay in its memory;
 * - AVIF's encoder: another 16 MiB and ~32 bytes per output pixel.
 */
export function predictPeakBytes(input: {
  probe: ImageProbe;
  sourceBytes: number;
  hint: DecodeHint;
  sizes: Size[];
  output: Size;
  format: OutputFormat;
}): number {
  const { probe, sourceBytes, hint, sizes, output, format } = input;
  const frames = Math.min(probe.frames, LIMITS.outputFrames);
  const decodedSize = decodedDimensions(probe, hint);
  const decoded = decodedSize.width * decodedSize.height * frames;
  const largest = Math.max(0, ...sizes.map((size) => size.width * size.height * frames));
  const outputPixels = output.width * output.height;
  const inOwnMemory = decodesReduced(probe) || probe.format === 'gif' || probe.format === 'bmp';
  const wasmDecoder = inOwnMemory ? 0 : sourceBytes + 3 * 4 * decoded;
  const widest = Math.max(0, ...sizes.map((size) => size.width));
  const resampler = sizes.length > 0 ? 4 * widest * decodedSize.height + 4 * largest : 0;
  const encoder =
    format === 'avif'
      ? 16 * MIB + outputPixels * 32
      : format === 'jpg' || format === 'webp'
        ? outputPixels * 4
        : outputPixels * 4 * frames * 2;
  return (
    20 * MIB +
    2 * sourceBytes +
    2 * 4 * decoded +
    wasmDecoder +
    resampler +
    2 * 4 * largest +
    encoder
  );
}

/** What the decoder will produce for this hint (JPEG and still WebP reduce; others do not). */
export function decodedDimensions(probe: ImageProbe, hint: DecodeHint): Size {
  const full = { width: probe.width, height: probe.height };
  if (!decodesReduced(probe)) return full;
  const d = reductionFor(hint.scale);
  const region = wholeRegion(hint.region, full);
  return { width: Math.ceil(region.width / d), height: Math.ceil(region.height / d) };
}
