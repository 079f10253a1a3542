import {
  clampRect,
  coversAll,
  logicalSize,
  mapFrames,
  type RasterImage,
  type Rect,
  type Size,
} from '../image';
import { cropPixels } from '../kernels/canvas';
import type { SourceNeeds } from './types';

/** `inner` (in the coordinates of `outer`'s own picture) in the coordinates `outer` is given in. */
export const withinRect = (outer: Rect, inner: Rect | undefined): Rect =>
  inner ? { ...inner, x: outer.x + inner.x, y: outer.y + inner.y } : outer;

/**
 * Cuts `rect` (in full-picture coordinates) out of every frame. From a reduced view (a scaled
 * decode, or a decoded region, passed along by a crop) the result is again a view: of the cut
 * picture, by the decoded pixels that cover `rect` (outward to whole pixels), so a resize that
 * follows reads exactly the picture's window (see pictureWindow). A view that turns out to be the
 * whole cut at full scale is plain pixels.
 */
export function cutRect(image: RasterImage, rect: Rect): RasterImage {
  const view = image.view;
  if (!view) {
    const inside = clampRect(rect, image);
    return coversAll(inside, image)
      ? image
      : mapFrames(image, inside, (data) => cropPixels(data, image, inside));
  }
  const sx = image.width / view.rect.width;
  const sy = image.height / view.rect.height;
  // Tolerance for coordinates that are whole pixels up to floating-point error.
  const near = 1e-6;
  const left = Math.max(0, Math.floor((rect.x - view.rect.x) * sx + near));
  const top = Math.max(0, Math.floor((rect.y - view.rect.y) * sy + near));
  const right = Math.min(image.width, Math.ceil((rect.x + rect.width - view.rect.x) * sx - near));
  const bottom = Math.min(
    image.height,
    Math.ceil((rect.y + rect.height - view.rect.y) * sy - near),
  );
  const inside = {
    x: left,
    y: top,
    width: Math.max(1, right - left),
    height: Math.max(1, bottom - top),
  };
  const cut = mapFrames(image, inside, (data) => cropPixels(data, image, inside));
  const covered = {
    x: view.rect.x + left / sx - rect.x,
    y: view.rect.y + top / sy - rect.y,
    width: inside.width / sx,
    height: inside.height / sy,
  };
  const whole =
    Math.abs(covered.x) < near &&
    Math.abs(covered.y) < near &&
    inside.width === rect.width &&
    inside.height === rect.height &&
    Math.abs(covered.width - rect.width) < near &&
    Math.abs(covered.height - rect.height) < near;
  if (whole) return cut;
  return { ...cut, view: { full: { width: rect.width, height: rect.height }, rect: covered } };
}

/**
 * The members of an action that cuts one rectangle out of its input (crop, indexcrop): its size;
 * leading the chain, only that region decoded at full scale; followed by another action, that
 * action's scale, within the region; and the cut itself, views included.
 */
export function cuttingAction<A>(rectOf: (input: Size, args: A) => Rect) {
  return {
    outputSize: (input: Size, args: A): Size => {
      const rect = rectOf(input, args);
      return { width: rect.width, height: rect.height };
    },
    sourceNeeds: (input: Size, args: A): SourceNeeds => ({ scale: 1, region: rectOf(input, args) }),
    forwardNeeds: (input: Size, args: A, downstream: SourceNeeds): SourceNeeds => ({
      scale: downstream.scale,
      region: withinRect(rectOf(input, args), downstream.region),
    }),
    apply: async (image: RasterImage, args: A) => cutRect(image, rectOf(logicalSize(image), args)),
  };
}
