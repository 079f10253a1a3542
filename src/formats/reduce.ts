/** The steps decoders reduce in, shared by the format modules that can. */
import type { Rect, Size } from '../image';

/** The largest power-of-two reduction (1, 2, 4, 8) that still gives at least `scale`. */
export function reductionFor(scale: number): 1 | 2 | 4 | 8 {
  for (const denominator of [8, 4, 2] as const) if (1 / denominator >= scale) return denominator;
  return 1;
}

/**
 * The smallest M (1..8) for which libjpeg's M/8 scaled decode still gives at least `scale`.
 * The epsilon keeps a scale computed as 3/8 from rounding up to 4/8.
 */
export function eighthsFor(scale: number): number {
  return Math.min(8, Math.max(1, Math.ceil(scale * 8 - 1e-9)));
}

/** The hint's region snapped outward to whole pixels and clamped to the image. */
export function wholeRegion(region: Rect | undefined, full: Size): Rect {
  if (!region) return { x: 0, y: 0, width: full.width, height: full.height };
  const x = Math.max(0, Math.floor(region.x));
  const y = Math.max(0, Math.floor(region.y));
  const right = Math.min(full.width, Math.ceil(region.x + region.width));
  const bottom = Math.min(full.height, Math.ceil(region.y + region.height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}
