import type { ImageFormat, Rect, Size } from '../image';

/**
 * What the planner asks of a decoder, in stored (not yet oriented) full-size pixels. Decoders
 * that can, return less than the whole image; the others ignore it.
 */
export interface DecodeHint {
  /** Smallest useful scale (≤ 1): the decoder may return any scale at or above it. */
  scale: number;
  /** Only this part of the stored image is needed. */
  region?: Rect;
}

/** The largest power-of-two reduction (1, 2, 4, 8) that still gives at least `scale`. */
export function reductionFor(scale: number): 1 | 2 | 4 | 8 {
  for (const denominator of [8, 4, 2] as const) if (1 / denominator >= scale) return denominator;
  return 1;
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

export const coversAll = (rect: Rect, full: Size) =>
  rect.x === 0 && rect.y === 0 && rect.width === full.width && rect.height === full.height;

/** Decoders that honour a hint's scale and region: JPEG, and WebP stills. */
export const decodesReduced = (source: { format: ImageFormat; frames: number }): boolean =>
  source.format === 'jpg' || (source.format === 'webp' && source.frames === 1);
