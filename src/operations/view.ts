import { cropPixels } from '../kernels/canvas';
import { mapFrames, type RasterImage, type Rect } from '../image';
import { clampRect } from '../plan/geometry';

/** The image as plain pixels, forgetting that it may be a reduced view of the source. */
export function pixelsOnly(image: RasterImage): RasterImage {
  if (!image.view) return image;
  const plain = { ...image };
  delete plain.view;
  return plain;
}

/**
 * `source` (a rectangle of the full picture) in the pixels of `image`, which may be a decoder's
 * reduced view: scaled and/or covering only part of the picture.
 */
export function inPixels(image: RasterImage, source: Rect): Rect {
  const view = image.view;
  if (!view) return source;
  const sx = image.width / view.rect.width;
  const sy = image.height / view.rect.height;
  return clampRect(
    {
      x: Math.round((source.x - view.rect.x) * sx),
      y: Math.round((source.y - view.rect.y) * sy),
      width: Math.max(1, Math.round(source.width * sx)),
      height: Math.max(1, Math.round(source.height * sy)),
    },
    image,
  );
}

/** Cuts `rect` (in full-picture coordinates) out of every frame; views are resolved. */
export function cutRect(image: RasterImage, rect: Rect): RasterImage {
  const inside = inPixels(image, rect);
  const exact =
    !image.view &&
    inside.x === 0 &&
    inside.y === 0 &&
    inside.width === image.width &&
    inside.height === image.height;
  if (exact) return image;
  return mapFrames(image, inside, (data) => cropPixels(data, image, inside));
}
