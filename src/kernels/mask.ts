import type { Size } from '../image';

/**
 * Anti-aliased coverage of a pixel whose centre lies `distance` from a disc's centre: 1 inside
 * `radius - 0.5`, 0 beyond `radius + 0.5`, linear between (a one-pixel ramp).
 */
const coverage = (distance: number, radius: number): number =>
  Math.min(1, Math.max(0, radius + 0.5 - distance));

/** Multiplies alpha by `mask(x, y)` ∈ [0, 1] wherever it is below 1. Mutates and returns data. */
function applyMask(
  data: Uint8Array,
  size: Size,
  rows: Iterable<number>,
  columns: (y: number) => Iterable<number>,
  mask: (x: number, y: number) => number,
): Uint8Array {
  for (const y of rows) {
    for (const x of columns(y)) {
      const m = mask(x, y);
      if (m >= 1) continue;
      const a = (y * size.width + x) * 4 + 3;
      data[a] = Math.round((data[a] as number) * m);
    }
  }
  return data;
}

const range = function* (from: number, to: number) {
  for (let i = from; i < to; i++) yield i;
};

/** Everything outside the disc inscribed in a (2r+1)² square becomes transparent. */
export function circleMask(data: Uint8Array, size: Size): Uint8Array {
  const r = (size.width - 1) / 2;
  // Pixel centres are at integer coordinates here; the disc reaches r + 0.5 from the centre.
  return applyMask(
    data,
    size,
    range(0, size.height),
    () => range(0, size.width),
    (x, y) => coverage(Math.hypot(x - r, y - r), r + 0.5),
  );
}

/** The four corners outside quarter discs of radius r become transparent. */
export function roundedCornerMask(data: Uint8Array, size: Size, radius: number): Uint8Array {
  const { width: W, height: H } = size;
  const r = radius;
  const corners = [...range(0, Math.min(r, H)), ...range(Math.max(r, H - r), H)];
  return applyMask(
    data,
    size,
    corners,
    () => [...range(0, Math.min(r, W)), ...range(Math.max(r, W - r), W)],
    (x, y) => {
      // The nearest corner disc's centre, in continuous coordinates (pixel centres at +0.5).
      const cx = x < r ? r : W - r;
      const cy = y < r ? r : H - r;
      return coverage(Math.hypot(x + 0.5 - cx, y + 0.5 - cy), r);
    },
  );
}
