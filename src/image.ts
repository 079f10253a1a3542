/**
 * The pixel model every stage shares: sizes, rectangles, colours and the decoded raster. The
 * lowest module of the Worker (it imports nothing), so any folder may use it.
 */

export interface Size {
  width: number;
  height: number;
}

/** A rectangle in pixels; fractional values occur where a scaled decode maps to source pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An RGBA colour, 0–255 per channel (PROTOCOL.md §1.4). */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** `rect` moved and shrunk to lie inside `bounds`, at least 1×1. */
export function clampRect(rect: Rect, bounds: Size): Rect {
  const x = Math.min(Math.max(0, rect.x), bounds.width - 1);
  const y = Math.min(Math.max(0, rect.y), bounds.height - 1);
  return {
    x,
    y,
    width: Math.max(1, Math.min(rect.width, bounds.width - x)),
    height: Math.max(1, Math.min(rect.height, bounds.height - y)),
  };
}

/**
 * Set on a freshly decoded image that is not the whole source at full size: the decoder scaled it
 * (DCT scaling) or decoded only a region. `rect` is the part of the `full`-size picture the pixels
 * cover, in the same (upright) coordinates as `full`. Only the first action ever sees a view.
 */
export interface ImageView {
  full: Size;
  rect: Rect;
}

/** One frame of 8-bit RGBA pixels, row-major, `width * height * 4` bytes. */
export interface Frame {
  data: Uint8Array;
  /** Display time in ms, for animations. */
  delayMs: number;
}

/**
 * The decoded image every action works on. It holds several frames so that animation can arrive
 * without changing any action's signature; all frames share one size.
 */
export interface RasterImage extends Size {
  frames: Frame[];
  /** Whether any pixel may be non-opaque: decides premultiplied resampling and flattening. */
  hasAlpha: boolean;
  /**
   * How many times the animation plays, 0 forever (WebP's loop count; a GIF stores one less);
   * absent for stills.
   */
  loopCount?: number;
  view?: ImageView;
}

/** The size actions reason about: the full picture, even when the pixels are a reduced view. */
export const logicalSize = (image: RasterImage): Size => image.view?.full ?? image;

/** The image as plain pixels, forgetting that it may be a reduced view of the source. */
export function pixelsOnly(image: RasterImage): RasterImage {
  if (!image.view) return image;
  const plain = { ...image };
  delete plain.view;
  return plain;
}

/** Whether `rect` is all of an image of size `full`. */
export const coversAll = (rect: Rect, full: Size) =>
  rect.x === 0 && rect.y === 0 && rect.width === full.width && rect.height === full.height;

export const mapFrames = (
  image: RasterImage,
  size: Size,
  transform: (data: Uint8Array) => Uint8Array,
  hasAlpha = image.hasAlpha,
): RasterImage => ({
  // A transformed image is exactly its pixels: the view does not carry over.
  ...(image.loopCount === undefined ? {} : { loopCount: image.loopCount }),
  width: size.width,
  height: size.height,
  hasAlpha,
  frames: image.frames.map((frame) => ({ data: transform(frame.data), delayMs: frame.delayMs })),
});

/**
 * A still's RGBA rows in order, top to bottom: a decoded frame's, or a decoder's as it produces
 * them (a full-size re-encode then never holds the whole frame). Encoders take their input so.
 */
export interface RowSource extends Size {
  /** Whether any pixel may be non-opaque. */
  hasAlpha: boolean;
  /**
   * The next `rows` rows (`rows × width × 4` bytes). The view is valid until the next call, and
   * the caller may change its pixels in place.
   */
  next(rows: number): Uint8Array;
}

/** A frame's rows as a RowSource. */
export function frameRows(data: Uint8Array, size: Size, hasAlpha: boolean): RowSource {
  const rowBytes = size.width * 4;
  let y = 0;
  return {
    width: size.width,
    height: size.height,
    hasAlpha,
    next(rows) {
      const view = data.subarray(y * rowBytes, (y + rows) * rowBytes);
      y += rows;
      return view;
    },
  };
}

/** The rows of `source` with `transform` applied to each strip in place as it passes. */
export const mapRows = (source: RowSource, transform: (strip: Uint8Array) => void): RowSource => ({
  width: source.width,
  height: source.height,
  hasAlpha: source.hasAlpha,
  next(rows) {
    const strip = source.next(rows);
    transform(strip);
    return strip;
  },
});
