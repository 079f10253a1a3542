import { BosError } from '../errors';
import type { RasterImage, Size } from '../image';
import { coversAll, reductionFor, wholeRegion, type DecodeHint } from './reduced';
import { jpegDecoder } from './wasm-codecs';

const pending: Array<() => void> = [];

/** Frees the pixel buffers decoded for the request that is ending. */
export function freeDecodedPixels(): void {
  for (const free of pending.splice(0)) free();
}

/** Result codes of wasm/jpeg/decoder.c. */
const JPEG_ERROR_MEMORY = 3;

/**
 * libjpeg-turbo with DCT-domain scaling (1/2, 1/4, 1/8: the IDCT itself outputs fewer pixels, so
 * a 12 MP photo wanted at 400 px never exists at full size) and region decoding (rows above the
 * region skipped, columns cropped to iMCU boundaries).
 */
export async function decodeJpeg(
  bytes: Uint8Array,
  full: Size,
  hint: DecodeHint,
): Promise<RasterImage> {
  const module = await jpegDecoder();
  const denominator = reductionFor(hint.scale);
  // libjpeg's scaled size is ceil(full / denominator); regions are given in scaled pixels.
  const scaled = {
    width: Math.ceil(full.width / denominator),
    height: Math.ceil(full.height / denominator),
  };
  const sx = scaled.width / full.width;
  const sy = scaled.height / full.height;
  const wanted = wholeRegion(hint.region, full);
  const region = wholeRegion(
    { x: wanted.x * sx, y: wanted.y * sy, width: wanted.width * sx, height: wanted.height * sy },
    scaled,
  );
  const input = module._jpeg_alloc(bytes.length);
  if (input === 0) throw new BosError('ImageTooLarge', 'Not enough memory to read the image.');
  module.HEAPU8.set(bytes, input);
  const output = module._jpeg_decode(
    input,
    bytes.length,
    denominator,
    region.x,
    region.y,
    region.width,
    region.height,
  );
  module._jpeg_free(input);
  if (output === 0) {
    throw module._jpeg_result_code() === JPEG_ERROR_MEMORY
      ? new BosError('ImageTooLarge', 'Not enough memory to decode the image.')
      : new BosError('UnsupportedImageFormat', 'The JPEG data is corrupt or truncated.');
  }
  const width = module._jpeg_result_width();
  const height = module._jpeg_result_height();
  // Not copied out: the pixels stay in the decoder's memory (a copy would cost another 4 bytes a
  // pixel at the request's peak) until `freeDecodedPixels` runs when the request ends. Nothing
  // else calls this decoder within a request, so its memory cannot grow and detach the view.
  const data = module.HEAPU8.subarray(output, output + width * height * 4);
  pending.push(() => module._jpeg_free(output));
  const image: RasterImage = { width, height, hasAlpha: false, frames: [{ data, delayMs: 0 }] };
  if (denominator === 1 && coversAll(region, full)) return image;
  return {
    ...image,
    view: {
      full,
      rect: { x: region.x / sx, y: region.y / sy, width: width / sx, height: height / sy },
    },
  };
}
