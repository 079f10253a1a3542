import { mapFrames, type RasterImage } from '../image';

/** Orientations 5–8 swap width and height. */
export const swapsAxes = (orientation: number) => orientation >= 5 && orientation <= 8;

/**
 * Applies an EXIF Orientation (1–8, mirrors included) so the pixels display upright. Pixels are
 * moved as 32-bit words: a pure permutation, exact to the pixel.
 */
export function applyOrientation(image: RasterImage, orientation: number): RasterImage {
  if (orientation < 2 || orientation > 8) return image;
  const { width: W, height: H } = image;
  const swap = swapsAxes(orientation);
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  // Source index for output (x, y), per orientation.
  const source: (x: number, y: number) => number = {
    2: (x: number, y: number) => y * W + (W - 1 - x),
    3: (x: number, y: number) => (H - 1 - y) * W + (W - 1 - x),
    4: (x: number, y: number) => (H - 1 - y) * W + x,
    5: (x: number, y: number) => x * W + y,
    6: (x: number, y: number) => (H - 1 - x) * W + y,
    7: (x: number, y: number) => (H - 1 - x) * W + (W - 1 - y),
    8: (x: number, y: number) => x * W + (W - 1 - y),
  }[orientation as 2 | 3 | 4 | 5 | 6 | 7 | 8];
  return mapFrames(image, { width: outW, height: outH }, (data) => {
    const input = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    const output = new Uint32Array(outW * outH);
    for (let y = 0, o = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++, o++) output[o] = input[source(x, y)] as number;
    }
    return new Uint8Array(output.buffer);
  });
}
