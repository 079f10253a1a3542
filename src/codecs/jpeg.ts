import { BosError } from '../errors';
import { coversAll, type RasterImage, type Size } from '../image';
import { eighthsFor, wholeRegion, type DecodeHint } from './reduced';
import { jpegDecoder } from './wasm-codecs';

/**
 * Requests in one isolate run concurrently. A request whose pixels still live in the decoder's
 * memory holds this lease: another decode could grow that memory (detaching the view) or reuse
 * the freed buffer. The next JPEG decode waits for the lease; the CPU is single-threaded anyway.
 */
let lease: Promise<void> = Promise.resolve();

async function acquireLease(): Promise<() => void> {
  const previous = lease;
  let release = () => {};
  lease = new Promise<void>((resolve) => (release = resolve));
  await previous;
  return release;
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
  cleanup?: Array<() => void>,
): Promise<RasterImage> {
  const releaseLease = await acquireLease();
  try {
    return await decodeLeased(bytes, full, hint, releaseLease, cleanup);
  } catch (error) {
    releaseLease();
    throw error;
  }
}

async function decodeLeased(
  bytes: Uint8Array,
  full: Size,
  hint: DecodeHint,
  releaseLease: () => void,
  cleanup: Array<() => void> | undefined,
): Promise<RasterImage> {
  const module = await jpegDecoder();
  const eighths = eighthsFor(hint.scale);
  // Exactly M/8: the last scaled column and row may stand for less than a pixel of the picture.
  const scale = eighths / 8;
  // libjpeg's scaled size is ceil(full × M / 8); regions are given in scaled pixels.
  const scaled = { width: Math.ceil(full.width * scale), height: Math.ceil(full.height * scale) };
  const wanted = wholeRegion(hint.region, full);
  const region = wholeRegion(
    {
      x: wanted.x * scale,
      y: wanted.y * scale,
      width: wanted.width * scale,
      height: wanted.height * scale,
    },
    scaled,
  );
  const input = module._jpeg_alloc(bytes.length);
  if (input === 0) throw new BosError('ImageTooLarge', 'Not enough memory to read the image.');
  module.HEAPU8.set(bytes, input);
  const output = module._jpeg_decode(
    input,
    bytes.length,
    eighths,
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
  // With a cleanup list (the pipeline's), the pixels stay in the decoder's memory until the
  // request ends (a copy would cost another 4 bytes a pixel at the request's peak); the lease
  // keeps other requests from decoding meanwhile. Without one, they are copied out at once.
  let data: Uint8Array;
  if (cleanup) {
    data = module.HEAPU8.subarray(output, output + width * height * 4);
    cleanup.push(() => {
      module._jpeg_free(output);
      releaseLease();
    });
  } else {
    data = module.HEAPU8.slice(output, output + width * height * 4);
    module._jpeg_free(output);
    releaseLease();
  }
  const image: RasterImage = { width, height, hasAlpha: false, frames: [{ data, delayMs: 0 }] };
  if (eighths === 8 && coversAll(region, full)) return image;
  return {
    ...image,
    view: {
      full,
      rect: {
        x: region.x / scale,
        y: region.y / scale,
        width: width / scale,
        height: height / scale,
      },
    },
  };
}
