import { missingParameter } from '../errors';
import { mapFrames, type RasterImage } from '../image';
import { cropPixels, drawOver, solidPixels } from '../kernels/canvas';
import { gaussianBlurRgba } from '../kernels/gaussian';
import { resample } from '../kernels/resample';
import {
  resizeGeometry,
  resultSize,
  type ResizeArgs,
  type ResizeGeometry,
  type ResizeMode,
} from '../plan/geometry';
import { defineAction } from './define';
import { color, int, oneOf, type Args } from './params';

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

const geometryArgs = (args: ResizeParams): ResizeArgs => ({ ...args, m: args.m as ResizeMode });

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
  return mapFrames(filled, size, (data) => gaussianBlurRgba(data, size, radius, sigma));
}

async function applyGeometry(
  image: RasterImage,
  geometry: ResizeGeometry,
  args?: ResizeParams,
): Promise<RasterImage> {
  switch (geometry.kind) {
    case 'unchanged':
      return image;
    case 'scale':
      return resample(image, geometry.size);
    case 'fill': {
      const { source } = geometry;
      const window = mapFrames(image, source, (data) => cropPixels(data, image, source));
      return resample(window, geometry.size);
    }
    case 'pad': {
      const content = await resample(image, geometry.content);
      const { size, offset } = geometry;
      const background =
        args?.radius !== undefined && args.sigma !== undefined
          ? await blurredCover(image, size, args.radius, args.sigma)
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
  outputSize: (input, args) => resultSize(input, resizeGeometry(input, geometryArgs(args))),
  apply: (image, args) => applyGeometry(image, resizeGeometry(image, geometryArgs(args)), args),
});
