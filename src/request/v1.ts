import { BosError, invalidValue, messages, missingParameter } from '../errors';

/**
 * Image Processing V1.0 (PROTOCOL.md §6): `<key>@<group>[|<group>…]` or `<key>@!<style>`,
 * translated to the V2 command that then obeys every V2 rule, limit and error.
 */

const MAX_GROUPS = 4;

type Range = { min: number; max: number } | readonly string[];

/** V1 keys and their ranges, per kind of group. */
const IMAGE_KEYS: Record<string, Range> = {
  s: { min: 0, max: 2 },
  w: { min: 1, max: 4096 },
  h: { min: 1, max: 4096 },
  l: { min: 0, max: 1 },
  c: { min: 0, max: 1 },
  x: { min: 0, max: 4096 },
  y: { min: 0, max: 4096 },
  a: { min: -360, max: 360 },
  o: { min: 0, max: 2 },
  q: { min: 1, max: 100 },
  f: ['jpg', 'png', 'webp', 'bmp'],
  d: ['baseline', 'progressive'],
};
const WATERMARK_KEYS: Record<string, Range> = {
  wm: { min: 0, max: 2 },
  k: [],
  t: [],
  g: { min: 1, max: 9 },
  x: { min: -4096, max: 4096 },
  y: { min: -4096, max: 4096 },
  a: { min: -360, max: 360 },
  o: { min: 1, max: 100 },
};

/** The base64 keys (watermark object, text) are passed on as written; V2 validates them. */
const FREE_TEXT = new Set(['k', 't']);
const TEXT_LIMIT = 80;

const BASE64_URL = /^[A-Za-z0-9_\-+=]+$/;

function readGroup(text: string, keys: Record<string, Range>, name: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const token of text.split(',')) {
    if (token === '') continue;
    const underscore = token.indexOf('_');
    const key = underscore < 0 ? token : token.slice(0, underscore);
    const value = underscore < 0 ? '' : token.slice(underscore + 1);
    const range = keys[key];
    if (range === undefined) {
      throw new BosError('InvalidArgument', messages.unsupportedParameter(key, name));
    }
    if (values.has(key))
      throw new BosError('InvalidArgument', messages.repeatedParameter(key, name));
    if (!FREE_TEXT.has(key)) {
      const valid = Array.isArray(range)
        ? range.includes(value)
        : /^-?\d{1,5}$/.test(value) &&
          Number(value) >= (range as { min: number }).min &&
          Number(value) <= (range as { max: number }).max;
      if (!valid) throw invalidValue(key, value);
      // Compared and passed on as numbers: `wm_00` is `wm_0`, `o_01` is `o_1`.
      values.set(key, Array.isArray(range) ? value : String(Number(value)));
      continue;
    }
    // Text and keys are url-safe base64: a `/` would start another V2 action.
    if (value === '' || !BASE64_URL.test(value) || (key === 't' && value.length > TEXT_LIMIT)) {
      throw invalidValue(key, value);
    }
    values.set(key, value);
  }
  return values;
}

const action = (name: string, params: Array<[string, string | undefined]>) =>
  [name, ...params.filter(([, value]) => value !== undefined).map(([k, v]) => `${k}_${v}`)].join(
    ',',
  );

const RESIZE_MODES = ['lfit', 'fixed', 'fill'];

/** An image group: crop → resize → rotate, then orientation and encoder settings. */
function imageGroup(values: Map<string, string>): string[] {
  const v = (key: string) => values.get(key);
  const actions: string[] = [];
  const cropping = v('c') === '1';
  if (cropping) {
    actions.push(
      action('crop', [
        ['x', v('x') ?? '0'],
        ['y', v('y') ?? '0'],
        ['w', v('w')],
        ['h', v('h')],
      ]),
    );
  } else if (v('w') !== undefined || v('h') !== undefined) {
    actions.push(
      action('resize', [
        ['m', RESIZE_MODES[Number(v('s') ?? '0')]],
        ['w', v('w')],
        ['h', v('h')],
        ['limit', v('l') === '1' ? '0' : '1'],
      ]),
    );
  }
  if (v('a') !== undefined) actions.push(action('rotate', [['a', v('a')]]));
  if (v('o') !== undefined)
    actions.push(action('auto-orient', [['o', v('o') === '0' ? '0' : '1']]));
  if (v('q') !== undefined) actions.push(action('quality', [['Q', v('q')]]));
  if (v('f') !== undefined) actions.push(action('format', [['f', v('f')]]));
  if (v('d') !== undefined) actions.push(action('interlace', [['i', v('d')]]));
  return actions;
}

/** A watermark group: `wm_1` an image (`k`), `wm_2` a text (`t`), `wm_0` none. */
function watermarkGroup(values: Map<string, string>): string[] {
  const kind = values.get('wm');
  if (kind === '0') return [];
  const [needed, foreign] = kind === '1' ? ['k', 't'] : ['t', 'k'];
  if (values.has(foreign)) {
    throw new BosError('InvalidArgument', messages.unsupportedParameter(foreign, 'watermark'));
  }
  const content = values.get(needed);
  if (content === undefined) throw missingParameter(needed, 'watermark');
  return [
    action('watermark', [
      [kind === '1' ? 'image' : 'text', content],
      ['g', values.get('g')],
      ['x', values.get('x')],
      ['y', values.get('y')],
      ['a', values.get('a')],
      ['t', values.get('o')],
    ]),
  ];
}

/** The V2 `x-bce-process` value for what follows the `@`. */
export function translateV1(spec: string): string {
  if (spec.startsWith('!')) return `style/${spec.slice(1)}`;
  const groups = spec.split('|');
  if (spec === '' || groups.length > MAX_GROUPS) {
    throw new BosError(
      'InvalidArgument',
      `A V1 command has 1 to ${MAX_GROUPS} groups, got ${spec === '' ? 0 : groups.length}.`,
    );
  }
  const actions = groups.flatMap((group) => {
    const watermark = /(^|,)wm_/.test(group);
    return watermark
      ? watermarkGroup(readGroup(group, WATERMARK_KEYS, 'watermark'))
      : imageGroup(readGroup(group, IMAGE_KEYS, 'image'));
  });
  if (actions.length === 0) throw new BosError('InvalidArgument', 'The V1 command does nothing.');
  return `image/${actions.join('/')}`;
}
