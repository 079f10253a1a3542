import { BosError, messages, missingParameter } from '../errors';
import { logicalSize, mapFrames, type RasterImage, type Rgba, type Size } from '../image';
import { resample } from '../kernels/resample';
import { rotateFrame, rotatedSize } from '../kernels/rotation';
import { stampRgba } from '../wasm/kernels';
import { defineAction } from './define';
import { base64, color, int, name, oneOf, type Args } from './params';
import { faceFor } from './fonts';
import type { ResourceImage } from './types';
import { textBlock, type TextStyle } from './watermark-text';
import { placeBlock, tilePositions } from './watermark-placement';

const IMAGE_KEYS = ['bucket', 'w'];
const TEXT_KEYS = [
  'type',
  'size',
  'color',
  'style',
  'skw',
  'skc',
  'blr',
  'bls',
  'effect',
  'shx',
  'shy',
  'shc',
];
const MIXED_KEYS = ['order', 'align', 'interval'];

/**
 * An image watermark's value: the object key, and the `image/…` command after an optional
 * `?x-bce-process=` (PROTOCOL.md §3.18, test vector #42).
 */
function watermarkObject(image: string): { key: string; process?: string } {
  const question = image.indexOf('?');
  if (question < 0) return { key: image };
  const query = image.slice(question + 1);
  if (!query.startsWith('x-bce-process=')) {
    throw new BosError('InvalidArgument', messages.invalidValue('image', image));
  }
  return { key: image.slice(0, question), process: query.slice('x-bce-process='.length) };
}

const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 255 };

const params = {
  g: int(1, 9),
  x: int(-4096, 4096),
  y: int(-4096, 4096),
  xp: int(0, 100),
  yp: int(0, 100),
  t: int(1, 100),
  a: int(-360, 360),
  P: int(1, 100),
  layout: oneOf(['tile']),
  image: base64(),
  bucket: name(),
  w: int(1, 4096),
  text: base64(200),
  type: base64(),
  size: int(1, 1024),
  color: color(),
  style: oneOf(['normal', 'italic', 'bold']),
  skw: int(1, 1024),
  skc: color(),
  blr: int(1, 50),
  bls: int(1, 50),
  effect: oneOf(['hardshadow', 'softoutline', 'softshadow']),
  shx: int(0, 10),
  shy: int(0, 10),
  shc: color(),
  order: int(0, 1),
  align: int(0, 2),
  interval: int(0, 1000),
} as const;

type WatermarkArgs = Args<typeof params>;

/** The image block: the watermark's first frame, scaled by `w` then `P`, turned by `a`. */
function imageBlock(mark: RasterImage, base: Size, args: WatermarkArgs): RasterImage {
  const first: RasterImage = { ...mark, frames: mark.frames.slice(0, 1) };
  const block = args.w === undefined ? first : toWidth(first, args.w);
  return turned(scaled(block, base, args), args);
}

/**
 * The image resampled to `width`, aspect kept: the picture's own aspect, also when the pixels are
 * a reduced decode whose last column and row stand for part of a pixel.
 */
function toWidth(image: RasterImage, width: number): RasterImage {
  const picture = logicalSize(image);
  return resample(image, {
    width,
    height: Math.max(1, Math.round((picture.height * width) / picture.width)),
  });
}

const degreesOf = (args: WatermarkArgs) => (((args.a ?? 0) % 360) + 360) % 360;

/** The text keys as the text block takes them; `blr`/`bls` alone copy each other (§3.18). */
function textOf(args: WatermarkArgs, degrees: number, size = args.size ?? 30): TextStyle {
  const radius = args.blr ?? args.bls;
  const sigma = args.bls ?? args.blr;
  return {
    text: args.text ?? '',
    face: faceFor(args.type),
    size,
    color: args.color ?? BLACK,
    style: args.style ?? 'normal',
    strokeWidth: args.skw ?? 0,
    strokeColor: args.skc ?? BLACK,
    blur: radius !== undefined && sigma !== undefined ? { radius, sigma } : undefined,
    effect: args.effect,
    shadow: { x: args.shx ?? 0, y: args.shy ?? 0, color: args.shc ?? BLACK },
    degrees,
  };
}

/**
 * A text block, turned by FreeType on the outlines. With `P` it is drawn again at the size that
 * makes it P % of the base's width.
 */
function textBlockFitted(args: WatermarkArgs, base: Size): RasterImage {
  const degrees = degreesOf(args);
  const first = textBlock(textOf(args, degrees));
  if (args.P === undefined) return first;
  const wanted = (base.width * args.P) / 100;
  const size = Math.min(1024, Math.max(1, Math.round(((args.size ?? 30) * wanted) / first.width)));
  return textBlock(textOf(args, degrees, size));
}

/** `order` (0 picture first), `align` (0 top, 1 middle, 2 bottom), `interval` px between. */
function mixedBlock(picture: RasterImage, text: TextStyle, args: WatermarkArgs): RasterImage {
  let image: RasterImage = { ...picture, frames: picture.frames.slice(0, 1) };
  if (args.w !== undefined) image = toWidth(image, args.w);
  const words = textBlock(text);
  const parts = (args.order ?? 0) === 0 ? [image, words] : [words, image];
  const gap = args.interval ?? 0;
  const width = parts.reduce((sum, part) => sum + part.width, 0) + gap;
  const height = Math.max(...parts.map((part) => part.height));
  const data = new Uint8Array(width * height * 4);
  let left = 0;
  for (const part of parts) {
    const free = height - part.height;
    const align = args.align ?? 2;
    const top = align === 0 ? 0 : align === 1 ? Math.floor(free / 2) : free;
    const pixels = part.frames[0]?.data;
    if (pixels) stampRgba(data, { width, height }, pixels, part, [{ x: left, y: top }]);
    left += part.width + gap;
  }
  return { width, height, hasAlpha: true, frames: [{ data, delayMs: 0 }] };
}

/** `P`: the block made P % of the base's width, aspect kept. */
function scaled(block: RasterImage, base: Size, args: WatermarkArgs): RasterImage {
  if (args.P === undefined) return block;
  return toWidth(block, Math.max(1, Math.round((base.width * args.P) / 100)));
}

/** `a`: the block turned clockwise on a transparent bounding box. */
function turned(block: RasterImage, args: WatermarkArgs): RasterImage {
  const degrees = degreesOf(args);
  if (degrees === 0) return block;
  const size = rotatedSize(block, degrees);
  return mapFrames(
    block,
    size,
    (data) => rotateFrame(data, block, degrees, size, [0, 0, 0, 0]),
    true,
  );
}

/** `t`: the block's alpha scaled by t/100 (a copy; the block may be the decoded picture). */
function withOpacity(block: RasterImage, percent: number): RasterImage {
  if (percent >= 100) return block;
  return mapFrames(
    block,
    block,
    (data) => {
      const out = data.slice();
      for (let i = 3; i < out.length; i += 4)
        out[i] = Math.round(((out[i] as number) * percent) / 100);
      return out;
    },
    true,
  );
}

/**
 * Stamps the block on every frame of the base, once or tiled, in place: the frames belong to this
 * request (decoded for it, or lent by its decoder), so no frame-sized copy is made.
 */
function stamp(base: RasterImage, block: RasterImage, args: WatermarkArgs): RasterImage {
  const first = placeBlock(base, block, args);
  const positions = args.layout === 'tile' ? tilePositions(base, block, first) : [first];
  const pixels = block.frames[0]?.data;
  if (!pixels) return base;
  for (const frame of base.frames) stampRgba(frame.data, base, pixels, block, positions);
  return base;
}

export const watermark = defineAction({
  name: 'watermark',
  stage: 'pixels',
  params,
  // The picture and the font are read before the base image is decoded (PROTOCOL.md §1.6 step 7).
  resources: (args) => [
    ...(args.image === undefined
      ? []
      : [
          {
            kind: 'object' as const,
            ...watermarkObject(args.image),
            ...(args.bucket === undefined ? {} : { bucket: args.bucket }),
            // A picture shown smaller may be decoded smaller (alone; mixed blocks are scaled whole).
            ...(args.w === undefined || args.text !== undefined ? {} : { width: args.w }),
            ...(args.P === undefined || args.text !== undefined ? {} : { percent: args.P }),
          },
        ]),
    ...(args.text === undefined
      ? []
      : [{ kind: 'font' as const, name: faceFor(args.type), text: args.text }]),
  ],
  check(args) {
    const hasImage = args.image !== undefined;
    const hasText = args.text !== undefined;
    if (!hasImage && !hasText) {
      throw missingParameter('image', 'watermark');
    }
    if (hasText && (args.text === '' || /\p{Cc}/u.test(args.text ?? ''))) {
      throw new BosError(
        'InvalidArgument',
        'The watermark text is empty or has control characters.',
      );
    }
    const present = (keys: string[]) =>
      keys.filter((key) => (args as Readonly<Record<string, unknown>>)[key] !== undefined);
    const foreign = [
      ...(hasText ? [] : present(TEXT_KEYS)),
      ...(hasImage ? [] : present(IMAGE_KEYS)),
      ...(hasImage && hasText ? [] : present(MIXED_KEYS)),
    ];
    if (foreign[0] !== undefined) {
      throw new BosError('InvalidArgument', messages.unsupportedParameter(foreign[0], 'watermark'));
    }
    if (hasImage) watermarkObject(args.image ?? '');
  },
  // Text needs fonts (the next step of the watermark work): valid, answered 501 before storage.
  // The text block and its layers, at most a few times the block's size, beside the frames.
  extraMemory: (args) =>
    args.text === undefined ? 0 : 16 * (args.size ?? 30) ** 2 * (Array.from(args.text).length + 2),
  apply: async (image, args, context) => {
    // A reduced view cannot be drawn on: restore the full picture first (never planned so).
    const base = image.view ? resample(image, image.view.full) : image;
    const picture: ResourceImage | undefined = context.images[0];
    if (args.image !== undefined && !picture) {
      throw new BosError('InternalError', 'The watermark image was not provided.');
    }
    let block: RasterImage;
    if (args.text === undefined && picture) {
      block = imageBlock(picture.image, base, args);
    } else if (picture) {
      // Mixed: picture and text side by side, then scaled and turned together.
      block = turned(scaled(mixedBlock(picture.image, textOf(args, 0), args), base, args), args);
    } else {
      block = textBlockFitted(args, base);
    }
    return stamp(base, withOpacity(block, args.t ?? 100), args);
  },
});
