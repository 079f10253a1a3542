import { coversAll, mapFrames, pixelsOnly, type RasterImage, type Rect, type Size } from '../image';
import { resampleRgba } from '../wasm/kernels';

/**
 * High-quality resampling: our SIMD Lanczos-3 (wasm/kernels/resample.c), with a box pass first for large
 * reductions as libvips does. The source goes in by strips of rows, so it is never copied into
 * the module whole. Transparent frames are resampled premultiplied, so clear pixels do not bleed
 * their colour into the edges. Gamma-linear resampling is off, as in sharp's default.
 *
 * A reduced decode (an image with a view) is resampled from exactly the part of its pixels the
 * picture covers (see pictureWindow), and the result is plain pixels.
 */
export function resample(image: RasterImage, size: Size): RasterImage {
  const window = pictureWindow(image);
  if (coversAll(window, image) && size.width === image.width && size.height === image.height) {
    return pixelsOnly(image);
  }
  return mapFrames(image, size, (data) => resampleRgba(data, image, size, image.hasAlpha, window));
}

/**
 * Where the whole picture lies in an image's pixels, in continuous pixel coordinates. A scaled
 * decode's last column and row stand for less than a pixel of the picture (2725 px at 1/2 is
 * 1362.5 px, decoded as 1363; after an EXIF flip that half pixel is on the left), so resampling
 * the pixels edge to edge would stretch the picture by up to a pixel.
 */
export function pictureWindow(image: RasterImage): Rect {
  const view = image.view;
  if (!view) return { x: 0, y: 0, width: image.width, height: image.height };
  const sx = image.width / view.rect.width;
  const sy = image.height / view.rect.height;
  const left = Math.max(0, -view.rect.x * sx);
  const top = Math.max(0, -view.rect.y * sy);
  const right = Math.min(image.width, (view.full.width - view.rect.x) * sx);
  const bottom = Math.min(image.height, (view.full.height - view.rect.y) * sy);
  return { x: left, y: top, width: right - left, height: bottom - top };
}
