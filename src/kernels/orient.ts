import { mapFrames, type RasterImage, type Rect, type Size } from '../image';

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
  const oriented = mapFrames(image, { width: outW, height: outH }, (data) => {
    const input = new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    const output = new Uint32Array(outW * outH);
    for (let y = 0, o = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++, o++) output[o] = input[source(x, y)] as number;
    }
    return new Uint8Array(output.buffer);
  });
  if (!image.view) return oriented;
  const { full, rect } = image.view;
  return {
    ...oriented,
    view: {
      full: swap ? { width: full.height, height: full.width } : full,
      rect: storedToUpright(rect, full, orientation),
    },
  };
}

/**
 * Where a rectangle of the upright picture lies in the stored pixels (continuous coordinates),
 * for a source of `stored` size with EXIF `orientation`. Used to ask a decoder for a region.
 */
export function uprightToStored(rect: Rect, stored: Size, orientation: number): Rect {
  const { x, y, width: w, height: h } = rect;
  const { width: W, height: H } = stored;
  switch (orientation) {
    case 2:
      return { x: W - x - w, y, width: w, height: h };
    case 3:
      return { x: W - x - w, y: H - y - h, width: w, height: h };
    case 4:
      return { x, y: H - y - h, width: w, height: h };
    case 5:
      return { x: y, y: x, width: h, height: w };
    case 6:
      return { x: y, y: H - x - w, width: h, height: w };
    case 7:
      return { x: W - y - h, y: H - x - w, width: h, height: w };
    case 8:
      return { x: W - y - h, y: x, width: h, height: w };
    default:
      return rect;
  }
}

/** The inverse of `uprightToStored`: a rectangle of the stored pixels in upright coordinates. */
export function storedToUpright(rect: Rect, stored: Size, orientation: number): Rect {
  const upright = swapsAxes(orientation) ? { width: stored.height, height: stored.width } : stored;
  // 6 and 8 undo each other; every other orientation is its own inverse.
  const inverse = orientation === 6 ? 8 : orientation === 8 ? 6 : orientation;
  return uprightToStored(rect, upright, inverse);
}
