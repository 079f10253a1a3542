import { BosError, messages, missingParameter } from '../errors';
import { mapFrames, type RasterImage, type Size } from '../image';
import { resample } from '../kernels/resample';
import { rotateFrame, rotatedSize } from '../kernels/rotation';
import { stampRgba } from '../wasm/kernels';
import { defineAction } from './define';
import { base64, color, int, name, oneOf, type Args } from './params';
import type { ResourceImage } from './types';
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
  let block: RasterImage = { ...mark, frames: mark.frames.slice(0, 1) };
  const scaleTo = (width: number) => {
    const height = Math.max(1, Math.round((block.height * width) / block.width));
    block = resample(block, { width, height });
  };
  if (args.w !== undefined) scaleTo(args.w);
  if (args.P !== undefined) scaleTo(Math.max(1, Math.round((base.width * args.P) / 100)));
  const degrees = (((args.a ?? 0) % 360) + 360) % 360;
  if (degrees !== 0) {
    const size = rotatedSize(block, degrees);
    block = mapFrames(
      block,
      size,
      (data) => rotateFrame(data, block, degrees, size, [0, 0, 0, 0]),
      true,
    );
  }
  return block;
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
          },
        ]),
    ...(args.text === undefined ? [] : [{ kind: 'font' as const, name: args.type ?? 'default' }]),
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
  missing: (args) => (args.text === undefined ? undefined : 'text watermark'),
  apply: async (image, args, context) => {
    const mark: ResourceImage | undefined = context.images[0];
    if (!mark) throw new BosError('InternalError', 'The watermark image was not provided.');
    // A reduced view cannot be drawn on: restore the full picture first (never planned so).
    const base = image.view ? resample(image, image.view.full) : image;
    const block = withOpacity(imageBlock(mark.image, base, args), args.t ?? 100);
    return stamp(base, block, args);
  },
});
