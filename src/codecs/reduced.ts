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

/**
 * The smallest M (1..8) for which libjpeg's M/8 scaled decode still gives at least `scale`.
 * The epsilon keeps a scale computed as 3/8 from rounding up to 4/8.
 */
export function eighthsFor(scale: number): number {
  return Math.min(8, Math.max(1, Math.ceil(scale * 8 - 1e-9)));
}

/**
 * How much detail a reduced decode must keep beyond what the next action needs: `faithful`
 * matches a full decode; a number is a plain margin, for when memory allows no more.
 */
export type DecodeMargin = 'faithful' | number;

/**
 * The faithful margins, measured as SSIM against sharp decoding in full (fastShrinkOnLoad off) on
 * the fixture photos resized to 100–1200 px. JPEG, any M/8 decode: a Lanczos still reducing
 * ≥ 1.25× after it loses at most 0.006 against decoding in full (every result ≥ 0.993 but the
 * CMYK photo, whose full decode measures the same); below 1.25× the loss reached 0.015 (the
 * Portrait photo at 200 px: 0.984). A margin of 4 was once needed only because the resize
 * stretched a scaled decode's partial last pixel over the picture (see pictureWindow). WebP, in
 * powers of two through libwebp's box-filter scaler: 2 is within 0.0005 of 4 on the fixtures;
 * 1.25 dropped a drawing (formats/4.webp) to 0.988.
 */
const FAITHFUL_MARGIN = { jpg: 1.25, webp: 2 };

/**
 * The scale this format's decoder will produce for an action that needs `needed` of the full
 * picture: JPEG in eighths, still WebP in powers of two, anything else whole.
 */
export function decodeScale(
  source: { format: ImageFormat; frames: number },
  needed: number,
  margin: DecodeMargin,
): number {
  if (!decodesReduced(source)) return 1;
  const jpeg = source.format === 'jpg';
  const faithful = jpeg ? FAITHFUL_MARGIN.jpg : FAITHFUL_MARGIN.webp;
  // A fallback margin never asks for more than the faithful one.
  const factor = margin === 'faithful' ? faithful : Math.min(margin, faithful);
  const wanted = Math.min(1, needed * factor);
  return jpeg ? eighthsFor(wanted) / 8 : 1 / reductionFor(wanted);
}

/** The scale a decoder actually produces for a hint: its own step at or above the hint's scale. */
export const hintScale = (source: { format: ImageFormat; frames: number }, hint: DecodeHint) =>
  decodeScale(source, hint.scale, 1);

/** The hint's region snapped outward to whole pixels and clamped to the image. */
export function wholeRegion(region: Rect | undefined, full: Size): Rect {
  if (!region) return { x: 0, y: 0, width: full.width, height: full.height };
  const x = Math.max(0, Math.floor(region.x));
  const y = Math.max(0, Math.floor(region.y));
  const right = Math.min(full.width, Math.ceil(region.x + region.width));
  const bottom = Math.min(full.height, Math.ceil(region.y + region.height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

/** Decoders that honour a hint's scale and region: JPEG, and WebP stills. */
export const decodesReduced = (source: { format: ImageFormat; frames: number }): boolean =>
  source.format === 'jpg' || (source.format === 'webp' && source.frames === 1);
