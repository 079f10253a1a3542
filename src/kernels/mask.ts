import type { Size } from '../image';

/**
 * Anti-aliased coverage of a pixel whose centre lies `distance` from a disc's centre: 1 inside
 * `radius - 0.5`, 0 beyond `radius + 0.5`, linear between (a one-pixel ramp).
 */
const coverage = (distance: number, radius: number): number =>
  Math.min(1, Math.max(0, radius + 0.5 - distance));

/** Integers from..to-1. */
const span = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * Multiplies alpha by `mask(x, y)` ∈ [0, 1] over the pixels at columns `xs` × rows `ys`, wherever
 * it is below 1. Mutates and returns data.
 */
function applyMask(
  data: Uint8Array,
  size: Size,
  xs: readonly number[],
  ys: readonly number[],
  mask: (x: number, y: number) => number,
): Uint8Array {
  for (const y of ys) {
    for (const x of xs) {
      const m = mask(x, y);
      if (m >= 1) continue;
      const a = (y * size.width + x) * 4 + 3;
      data[a] = Math.round((data[a] as number) * m);
    }
  }
  return data;
}

/** Everything outside the disc inscribed in a (2r+1)² square becomes transparent. */
export function circleMask(data: Uint8Array, size: Size): Uint8Array {
  const r = (size.width - 1) / 2;
  // Pixel centres are at integer coordinates here; the disc reaches r + 0.5 from the centre.
  return applyMask(data, size, span(0, size.width), span(0, size.height), (x, y) =>
    coverage(Math.hypot(x - r, y - r), r + 0.5),
  );
}

/** The four corners outside quarter discs of radius r become transparent. */
export function roundedCornerMask(data: Uint8Array, size: Size, radius: number): Uint8Array {
  const { width: W, height: H } = size;
  const r = radius;
  // Only the r×r corner squares can change: the first and last r columns and rows.
  const edges = (n: number) => [...span(0, Math.min(r, n)), ...span(Math.max(r, n - r), n)];
  return applyMask(data, size, edges(W), edges(H), (x, y) => {
    // The nearest corner disc's centre, in continuous coordinates (pixel centres at +0.5).
    const cx = x < r ? r : W - r;
    const cy = y < r ? r : H - r;
    return coverage(Math.hypot(x + 0.5 - cx, y + 0.5 - cy), r);
  });
}
