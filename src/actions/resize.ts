import { missingParameter } from '../errors';
import { logicalSize, mapFrames, pixelsOnly, type RasterImage, type Size } from '../image';
import { cropPixels, drawOver, solidPixels } from '../kernels/canvas';
import { blurAllChannelsInPlace } from '../kernels/effects';
import { resample } from '../kernels/resample';
import { resizeGeometry, resultSize, type ResizeGeometry } from './resize-geometry';
import { defineAction } from './define';
import { cutRect } from './cut';
import { color, int, oneOf, type Args } from './params';
import type { SourceNeeds } from './types';

const params = {
  m: oneOf(['lfit', 'mfit', 'fill', 'pad', 'fixed'], 'lfit'),
  w: int(1, 9999),
  h: int(1, 9999),
  l: int(1, 9999),
  s: int(1, 9999),
  p: int(1, 1000),
  wp: int(1, 1000),
  hp: int(1, 1000),
  limit: int(0, 1, 1),
  align: int(0, 100, 50),
  color: color('FFFFFF'),
  radius: int(1, 50),
  sigma: int(1, 50),
} as const;

type ResizeParams = Args<typeof params>;

/** The image scaled to cover `size` and centre-cropped, Gaussian-blurred: the pad background. */
async function blurredCover(
  image: RasterImage,
  size: { width: number; height: number },
  radius: number,
  sigma: number,
): Promise<RasterImage> {
  const cover = resizeGeometry(image, {
    m: 'fill',
    w: size.width,
    h: size.height,
    limit: 0,
    align: 50,
  });
  const filled = await applyGeometry(image, cover);
  // Blurred in place, so never on the picture's own pixels (an unchanged cover returns them).
  return mapFrames(filled, size, (data) => {
    const background = filled === image ? data.slice() : data;
    blurAllChannelsInPlace(background, size, radius, sigma);
    return background;
  });
}

async function applyGeometry(
  image: RasterImage,
  geometry: ResizeGeometry,
  args?: ResizeParams,
): Promise<RasterImage> {
  switch (geometry.kind) {
    case 'unchanged':
      // Only reachable with a view if a planner asked for less than it needed: restore the size.
      return image.view ? resample(image, image.view.full) : image;
    case 'scale':
      return resample(image, geometry.size);
    case 'fill': {
      // Scale the whole picture to the mfit size, then cut the box: the protocol's exact
      // geometry. Crop-first is only for extreme aspect ratios whose mfit image would be huge.
      const { scaled, offset, size } = geometry;
      if (scaled.width * scaled.height <= 4 * size.width * size.height + 4_000_000) {
        const mfit = resample(image, scaled);
        const box = { ...offset, ...size };
        return mapFrames(mfit, size, (data) => cropPixels(data, mfit, box));
      }
      // The cut keeps a reduced view exact (see cutRect), so the resample reads the exact window.
      return resample(cutRect(image, geometry.source), size);
    }
    case 'pad': {
      const whole = pixelsOnly(image);
      const content = resample(image, geometry.content);
      const { size, offset } = geometry;
      const background =
        args?.radius !== undefined && args.sigma !== undefined
          ? await blurredCover(whole, size, args.radius, args.sigma)
          : undefined;
      const fill = args?.color ?? { r: 255, g: 255, b: 255, a: 255 };
      const covers =
        geometry.content.width === size.width && geometry.content.height === size.height;
      const hasAlpha =
        content.hasAlpha || (!covers && (background ? background.hasAlpha : fill.a < 255));
      return {
        width: size.width,
        height: size.height,
        hasAlpha,
        frames: content.frames.map((frame, index) => {
          const canvas = background
            ? new Uint8Array((background.frames[index] ?? background.frames[0])!.data)
            : solidPixels(size, fill);
          return {
            data: drawOver(canvas, size, frame.data, content, offset.x, offset.y),
            delayMs: frame.delayMs,
          };
        }),
      };
    }
  }
}

/** What the resize reads of its input: the decoder may stop at this scale and region. */
function sourceNeeds(input: Size, args: ResizeParams): SourceNeeds {
  const geometry = resizeGeometry(input, args);
  const ratio = (out: Size, of: Size) =>
    Math.min(1, Math.max(out.width / of.width, out.height / of.height));
  switch (geometry.kind) {
    case 'unchanged':
      return { scale: 1 };
    case 'scale':
      return { scale: ratio(geometry.size, input) };
    case 'fill':
      // The whole picture is scaled to the mfit size before the box is cut (see applyGeometry).
      return { scale: ratio(geometry.scaled, input) };
    case 'pad': {
      const content = ratio(geometry.content, input);
      // A blurred background covers the whole canvas with the picture: it may need more pixels.
      const blurred = args.radius !== undefined && args.sigma !== undefined;
      return { scale: blurred ? Math.max(content, ratio(geometry.size, input)) : content };
    }
  }
}

export const resize = defineAction({
  name: 'resize',
  stage: 'pixels',
  params,
  check(args) {
    if ((args.radius === undefined) !== (args.sigma === undefined) && args.m === 'pad') {
      const missing = args.radius === undefined ? 'radius' : 'sigma';
      throw missingParameter(missing, 'resize');
    }
    const sized = [args.w, args.h, args.l, args.s, args.p, args.wp, args.hp];
    if (sized.every((value) => value === undefined)) {
      throw missingParameter('w', 'resize');
    }
  },
  outputSize: (input, args) => resultSize(input, resizeGeometry(input, args)),
  resamples: true,
  // A pad with a translucent colour; a blurred background is the picture's own alpha.
  addsAlpha: (args) =>
    args.m === 'pad' &&
    (args.radius === undefined || args.sigma === undefined) &&
    args.color.a < 255,
  sourceNeeds,
  apply: (image, args) => applyGeometry(image, resizeGeometry(logicalSize(image), args), args),
});
