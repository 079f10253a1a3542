import { BosError, messages, missingParameter } from '../errors';
import { defineAction } from './define';
import { base64, color, int, name, oneOf } from './params';

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

/** The object key of an image watermark: the value before any `?x-bce-process=` of its own. */
const watermarkKey = (image: string) => image.split('?', 1)[0] ?? image;

// Executed by the watermark issue; until then valid requests answer 501 NotImplemented.
export const watermark = defineAction({
  name: 'watermark',
  stage: 'pixels',
  params: {
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
  },
  // The picture and the font are read before the base image is decoded (PROTOCOL.md §1.6 step 7).
  resources: (args) => [
    ...(args.image === undefined
      ? []
      : [{ kind: 'object' as const, key: watermarkKey(args.image) }]),
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
  },
});
