import { BosError } from '../errors';
import { coversAll, type Frame, type RasterImage, type Size } from '../image';
import { anyTransparent } from '../kernels/canvas';
import { reductionFor, wholeRegion, type DecodeHint } from './reduced';
import { webpDecoder, type LibwebpModule } from './wasm-codecs';

const corrupt = () => new BosError('UnsupportedImageFormat', 'The WebP data is corrupt.');

/**
 * libwebp: stills are cropped (in source pixels) and scaled inside the decoder; animations are
 * composited frame by frame by WebPAnimDecoder, up to `maxFrames`.
 */
export async function decodeWebp(
  bytes: Uint8Array,
  full: Size,
  frames: number,
  hint: DecodeHint,
  maxFrames: number,
): Promise<RasterImage> {
  const module = await webpDecoder();
  const input = module._webp_alloc(bytes.length);
  if (input === 0) throw new BosError('ImageTooLarge', 'Not enough memory to read the image.');
  module.HEAPU8.set(bytes, input);
  try {
    return frames > 1
      ? decodeAnimation(module, input, bytes.length, full, maxFrames)
      : decodeStill(module, input, bytes.length, full, hint);
  } finally {
    module._webp_free(input);
  }
}

function decodeStill(
  module: LibwebpModule,
  input: number,
  length: number,
  full: Size,
  hint: DecodeHint,
): RasterImage {
  const region = wholeRegion(hint.region, full);
  // The same power-of-two steps as JPEG: libwebp's scaler is a box filter, so the final size is
  // left to the high-quality resize that follows.
  const denominator = reductionFor(hint.scale);
  const width = Math.max(1, Math.ceil(region.width / denominator));
  const height = Math.max(1, Math.ceil(region.height / denominator));
  const cropped = !coversAll(region, full);
  const output = module._webp_decode(
    input,
    length,
    cropped ? region.x : 0,
    cropped ? region.y : 0,
    cropped ? region.width : 0,
    cropped ? region.height : 0,
    denominator > 1 ? width : 0,
    denominator > 1 ? height : 0,
  );
  if (output === 0) throw corrupt();
  const data = module.HEAPU8.slice(output, output + width * height * 4);
  module._webp_free(output);
  const image: RasterImage = {
    width,
    height,
    hasAlpha: anyTransparent(data),
    frames: [{ data, delayMs: 0 }],
  };
  return denominator === 1 && !cropped ? image : { ...image, view: { full, rect: region } };
}

function decodeAnimation(
  module: LibwebpModule,
  input: number,
  length: number,
  full: Size,
  maxFrames: number,
): RasterImage {
  const decoder = module._webp_anim_open(input, length);
  if (decoder === 0) throw corrupt();
  try {
    const frames: Frame[] = [];
    let previous = 0;
    const bytes = full.width * full.height * 4;
    while (frames.length < maxFrames) {
      const canvas = module._webp_anim_next(decoder);
      if (canvas === 0) break;
      const timestamp = module._webp_anim_timestamp();
      frames.push({
        data: module.HEAPU8.slice(canvas, canvas + bytes),
        delayMs: timestamp - previous,
      });
      previous = timestamp;
    }
    if (frames.length === 0) throw corrupt();
    return {
      ...full,
      frames,
      hasAlpha: frames.some((frame) => anyTransparent(frame.data)),
      loopCount: module._webp_anim_loop_count(decoder),
    };
  } finally {
    module._webp_anim_close(decoder);
  }
}
