import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBase64Text } from '../../src/actions/params';
import { ACTIONS, UNSUPPORTED_ACTIONS } from '../../src/actions/registry';
import { readConfig } from '../../src/config';
import { BosError, CODE_TABLE, messages } from '../../src/errors';
import { LIMITS } from '../../src/limits';
import { parseProcess, prepareCommand, type PreparedCommand } from '../../src/plan/validate';
import { readProcessRequest } from '../../src/request/query';
import { translateV1 } from '../../src/request/v1';

/**
 * Property-based tests of the command parser (PROTOCOL.md §1.2, §3, §6): request/grammar.ts,
 * plan/validate.ts with the action registry, and request/v1.ts. Seeded, so a run is repeatable;
 * a failure prints the seed, the path and the shrunk counterexample. `FUZZ_RUNS` scales the runs
 * as for test/integration/fuzz.test.ts (2,000 is the default, so `FUZZ_RUNS=20000` runs every
 * property ten times longer), `FUZZ_SEED` changes the seed.
 *
 * 1. Totality: any x-bce-process value (or raw query string, or V1 `@` tail) of ≤ 2,000 characters
 *    is parsed or refused with a BosError of a 4xx code, never another exception, within 1 s.
 * 2. Round trip: generated valid commands, spelled in every way §1.2 allows, parse to the
 *    canonical form expected from the declared parameters, and that form parses to itself.
 * 3. Ranges: every declared bound is accepted and one past it is 400 InvalidArgument; the test's
 *    copy of the parameter table is checked against the registry.
 * 4. V1: translation is total, and valid V1 commands become the V2 chain of §6.
 *
 * Two V1 defects these properties found are fixed and kept as examples in command.test.ts.
 */
const SCALE = Number(process.env.FUZZ_RUNS ?? 2000) / 2000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const runs = <T>(base: number): fc.Parameters<T> => ({
  seed: SEED,
  numRuns: Math.max(1, Math.round(base * SCALE)),
});
/** No parse may take longer: the inputs are at most 2,000 characters and the grammar is linear. */
const PER_CALL_MS = 1000;
const MAX_INPUT = 2000;

const config = readConfig({});
const ACCEPTS = [null, '', 'image/webp,*/*', 'image/avif,image/webp,image/*', 'image/jpeg'];

// ---------------------------------------------------------------------------------------------
// Outcomes: a value, a BosError, or anything else (a crash, always a defect).

type Outcome<T> =
  | { kind: 'value'; value: T }
  | { kind: 'refused'; error: BosError }
  | { kind: 'crashed'; error: unknown };

function settle<T>(run: () => T): Outcome<T> {
  try {
    return { kind: 'value', value: run() };
  } catch (error) {
    return error instanceof BosError ? { kind: 'refused', error } : { kind: 'crashed', error };
  }
}

/** Runs a parse; one slower than PER_CALL_MS twice in a row (not a pause of the machine) fails. */
function attempt<T>(run: () => T): Outcome<T> {
  const started = performance.now();
  const outcome = settle(run);
  if (performance.now() - started > PER_CALL_MS) {
    const again = performance.now();
    settle(run);
    const elapsed = performance.now() - again;
    if (elapsed > PER_CALL_MS) {
      throw new Error(`took ${Math.round(elapsed)} ms (limit ${PER_CALL_MS})`);
    }
  }
  return outcome;
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** A refusal must be a BosError of a 4xx code, with the status of the code table. */
function expectClientError(outcome: Outcome<unknown>): void {
  if (outcome.kind === 'crashed') {
    throw new Error(`threw ${describeError(outcome.error)} instead of a BosError`);
  }
  if (outcome.kind !== 'refused') return;
  const { error } = outcome;
  expect(error.status, `${error.code}: ${error.message}`).toBe(CODE_TABLE[error.code].status);
  expect(error.status, `${error.code}: ${error.message}`).toBeGreaterThanOrEqual(400);
  expect(error.status, `${error.code}: ${error.message}`).toBeLessThan(500);
}

/** The value of a successful outcome; anything else fails with what was thrown. */
function valueOf<T>(outcome: Outcome<T>, what: string): T {
  if (outcome.kind === 'value') return outcome.value;
  throw new Error(`${what} was refused: ${describeError(outcome.error)}`);
}

const prepare = (value: string, accept: string | null = null): Outcome<PreparedCommand> =>
  attempt(() => prepareCommand(value, accept, config));

// ---------------------------------------------------------------------------------------------
// The declared parameters, mirrored from src/actions/*.ts. The registry does not expose them, so
// the range and enumeration properties below also check this copy against the code: a range or
// a key changed there without changing it here fails those tests.

type Param = (
  | { type: 'int'; min: number; max: number; default?: number }
  | {
      type: 'enum';
      values: readonly string[];
      aliases?: Readonly<Record<string, string>>;
      default?: string;
    }
  | { type: 'color'; default?: string }
  | { type: 'base64'; maxLength?: number }
  | { type: 'name' }
) & { required?: boolean };

const int = (min: number, max: number, value?: number): Param =>
  value === undefined ? { type: 'int', min, max } : { type: 'int', min, max, default: value };
const oneOf = (
  values: readonly string[],
  value?: string,
  aliases?: Readonly<Record<string, string>>,
): Param => ({
  type: 'enum',
  values,
  ...(value === undefined ? {} : { default: value }),
  ...(aliases === undefined ? {} : { aliases }),
});
const required = (param: Param): Param => ({ ...param, required: true });

const GRAVITIES = ['nw', 'north', 'ne', 'west', 'center', 'east', 'sw', 'south', 'se'];
/** Formats `format,f_` accepts; `heic` is declared too but refused (no encoder). */
const OUTPUT_FORMATS = ['jpg', 'png', 'webp', 'gif', 'bmp', 'avif', 'auto'];

const DECLARED: Readonly<Record<string, Readonly<Record<string, Param>>>> = {
  resize: {
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
    color: { type: 'color', default: 'FFFFFF' },
    radius: int(1, 50),
    sigma: int(1, 50),
  },
  crop: {
    x: int(0, 30000, 0),
    y: int(0, 30000, 0),
    w: int(1, 9999),
    h: int(1, 9999),
    g: oneOf(GRAVITIES, 'nw'),
  },
  indexcrop: { x: int(1, 9999), y: int(1, 9999), i: int(0, 65536, 0) },
  circle: { r: required(int(1, 4096)) },
  'rounded-corners': { r: required(int(1, 4096)) },
  rotate: { a: required(int(-360, 360)) },
  'auto-orient': { o: required(int(0, 1)) },
  bright: { b: required(int(-100, 100)) },
  contrast: { c: required(int(-100, 100)) },
  sharpen: { r: required(int(1, 50)), s: required(int(1, 50)) },
  blur: { r: required(int(1, 50)), s: required(int(1, 50)) },
  grayscale: { g: int(0, 1, 1) },
  format: { f: required(oneOf([...OUTPUT_FORMATS, 'heic'], undefined, { jpeg: 'jpg' })) },
  quality: { q: int(1, 100), Q: int(1, 100) },
  interlace: {
    i: required(
      oneOf(['progressive', 'baseline'], undefined, { '1': 'progressive', '0': 'baseline' }),
    ),
  },
  strip: {},
  info: {},
  watermark: {
    g: int(1, 9),
    x: int(-4096, 4096),
    y: int(-4096, 4096),
    xp: int(0, 100),
    yp: int(0, 100),
    t: int(1, 100),
    a: int(-360, 360),
    P: int(1, 100),
    layout: oneOf(['tile']),
    image: { type: 'base64' },
    bucket: { type: 'name' },
    w: int(1, 4096),
    text: { type: 'base64', maxLength: 200 },
    type: { type: 'base64' },
    size: int(1, 1024),
    color: { type: 'color' },
    style: oneOf(['normal', 'italic', 'bold']),
    skw: int(1, 1024),
    skc: { type: 'color' },
    blr: int(1, 50),
    bls: int(1, 50),
    effect: oneOf(['hardshadow', 'softoutline', 'softshadow']),
    shx: int(0, 10),
    shy: int(0, 10),
    shc: { type: 'color' },
    order: int(0, 1),
    align: int(0, 2),
    interval: int(0, 1000),
  },
};

const WATERMARK_COMMON = ['g', 'x', 'y', 'xp', 'yp', 't', 'a', 'P', 'layout'];
const WATERMARK_IMAGE = ['bucket', 'w'];
// prettier-ignore
const WATERMARK_TEXT = ['type', 'size', 'color', 'style', 'skw', 'skc', 'blr', 'bls', 'effect', 'shx', 'shy', 'shc'];
const WATERMARK_MIXED = ['order', 'align', 'interval'];

function paramOf(action: string, key: string): Param {
  const param = DECLARED[action]?.[key];
  if (param === undefined) throw new Error(`no parameter ${key} of ${action} in the test's table`);
  return param;
}

const ALL_KEYS = [...new Set(Object.values(DECLARED).flatMap((params) => Object.keys(params)))];
const INT_PARAMS = Object.entries(DECLARED).flatMap(([action, params]) =>
  Object.entries(params).flatMap(([key, param]) =>
    param.type === 'int' ? [{ action, key, min: param.min, max: param.max }] : [],
  ),
);
const ENUM_PARAMS = Object.entries(DECLARED).flatMap(([action, params]) =>
  Object.entries(params).flatMap(([key, param]) =>
    param.type === 'enum' ? [{ action, key, param }] : [],
  ),
);

/** Url-safe base64 without padding, as BOS clients write it (§1.3). */
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Other parameters that make `key` of `action` valid (required ones, a size, the watermark kind). */
function contextFor(action: string, key: string): Array<[string, string]> {
  const text: [string, string] = ['text', base64url('Hello')];
  const image: [string, string] = ['image', base64url('logo.png')];
  switch (action) {
    case 'resize':
      return ['w', 'h', 'l', 's', 'p', 'wp', 'hp'].includes(key) ? [] : [['w', '100']];
    case 'indexcrop':
      return key === 'i' ? [['x', '10']] : [];
    case 'watermark':
      if (WATERMARK_MIXED.includes(key)) return [text, image];
      if (WATERMARK_IMAGE.includes(key)) return [image];
      return [text];
    default:
      return Object.entries(DECLARED[action] ?? {}).flatMap(
        ([other, param]): Array<[string, string]> =>
          other !== key && param.required && param.type === 'int'
            ? [[other, String(param.min)]]
            : [],
      );
  }
}

const commandWith = (action: string, key: string, value: string): string =>
  `image/${[action, ...contextFor(action, key).map(([k, v]) => `${k}_${v}`), `${key}_${value}`].join(',')}`;

// ---------------------------------------------------------------------------------------------
// A model of valid commands: action name and parsed values (int → number, enum → its canonical
// word, colour → RRGGBBAA upper case, base64 → the decoded text, name → itself).

type Value = number | string;
interface ActionModel {
  name: string;
  params: Array<[key: string, value: Value]>;
}

/** The canonical spelling the Worker is expected to give a parsed value (define.ts contract). */
function canonicalOf(param: Param, value: Value): string {
  switch (param.type) {
    case 'int':
      return String(value);
    case 'enum':
    case 'name':
      return String(value);
    case 'color': {
      const hex = String(value).toUpperCase();
      return hex.length === 6 ? `${hex}FF` : hex;
    }
    case 'base64':
      return encodeURIComponent(String(value));
  }
}

/** `name,k_v,…`: keys sorted, defaults explicit (ValidatedCommand.canonical). */
function expectedCanonical(model: ActionModel): string {
  const declared = DECLARED[model.name] ?? {};
  const values = new Map<string, Value>(model.params);
  for (const [key, param] of Object.entries(declared)) {
    if (!values.has(key) && 'default' in param && param.default !== undefined) {
      values.set(key, param.default);
    }
  }
  return [
    model.name,
    ...[...values.keys()]
      .sort()
      .map((key) => `${key}_${canonicalOf(paramOf(model.name, key), values.get(key) ?? '')}`),
  ].join(',');
}

const hexByte = fc.integer({ min: 0, max: 255 }).map((b) => b.toString(16).padStart(2, '0'));
const colorArb = fc
  .tuple(hexByte, hexByte, hexByte, fc.oneof(hexByte, fc.constant('ff')))
  .map((bytes) => bytes.join('').toUpperCase());
/** Printable text without control characters; ≤ 150 UTF-8 bytes keeps its base64 ≤ 200. */
const textArb = (maxBytes: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter(
      (text) => !/\p{Cc}/u.test(text) && !text.startsWith('\uFEFF') && utf8Length(text) <= maxBytes,
    );
const objectKeyArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((key) => !key.includes('?') && !key.startsWith('\uFEFF'));
const bucketArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,62}$/);

function valueArb(action: string, key: string): fc.Arbitrary<Value> {
  const param = paramOf(action, key);
  switch (param.type) {
    case 'int':
      return fc.integer({ min: param.min, max: param.max });
    case 'enum':
      return fc.constantFrom(...(action === 'format' ? OUTPUT_FORMATS : param.values));
    case 'color':
      return colorArb;
    case 'name':
      return bucketArb;
    case 'base64':
      if (key === 'text') return textArb(150);
      if (key === 'type') {
        return fc.oneof(
          fc.constantFrom('FZLanTingHeiSBGB', 'simhei', 'courier', 'fzkai', 'times', 'NoSuchFont'),
          textArb(60),
        );
      }
      // `image`: an object key, perhaps with a pre-processing command (geometry and tone only).
      return fc
        .tuple(objectKeyArb, fc.option(preprocessingArb(), { nil: undefined }))
        .map(([objectKey, process]) =>
          process === undefined ? objectKey : `${objectKey}?x-bce-process=${process}`,
        );
  }
}

/** Chosen keys of an action with values; `minLength` of them at least. */
function paramsArb(
  action: string,
  keys: readonly string[],
  minLength = 0,
): fc.Arbitrary<Array<[string, Value]>> {
  return fc
    .subarray([...keys], { minLength })
    .chain((chosen) =>
      fc.tuple(
        ...chosen.map((key) => valueArb(action, key).map((value): [string, Value] => [key, value])),
      ),
    );
}

const model =
  (name: string) =>
  (params: Array<[string, Value]>): ActionModel => ({ name, params });
const join = (
  ...parts: Array<fc.Arbitrary<Array<[string, Value]>>>
): fc.Arbitrary<Array<[string, Value]>> => fc.tuple(...parts).map((lists) => lists.flat());

const SIZE_KEYS = ['w', 'h', 'l', 's', 'p', 'wp', 'hp'];

/** A valid action of each kind (the `check` rules of its definition respected). */
const ACTION_ARBS: Readonly<Record<string, fc.Arbitrary<ActionModel>>> = {
  resize: join(
    paramsArb('resize', SIZE_KEYS, 1),
    paramsArb('resize', ['m', 'limit', 'align', 'color', 'radius', 'sigma']),
  ).map((params) => {
    // m_pad needs radius and sigma together: complete the pair.
    const keys = new Set(params.map(([key]) => key));
    const pad = params.some(([key, value]) => key === 'm' && value === 'pad');
    if (pad && keys.has('radius') !== keys.has('sigma')) {
      return { name: 'resize', params: [...params, [keys.has('radius') ? 'sigma' : 'radius', 3]] };
    }
    return { name: 'resize', params };
  }),
  crop: paramsArb('crop', ['x', 'y', 'w', 'h', 'g']).map(model('crop')),
  indexcrop: join(
    fc.constantFrom('x', 'y').chain((key) => paramsArb('indexcrop', [key], 1)),
    paramsArb('indexcrop', ['i']),
  ).map(model('indexcrop')),
  circle: paramsArb('circle', ['r'], 1).map(model('circle')),
  'rounded-corners': paramsArb('rounded-corners', ['r'], 1).map(model('rounded-corners')),
  rotate: paramsArb('rotate', ['a'], 1).map(model('rotate')),
  'auto-orient': paramsArb('auto-orient', ['o'], 1).map(model('auto-orient')),
  bright: paramsArb('bright', ['b'], 1).map(model('bright')),
  contrast: paramsArb('contrast', ['c'], 1).map(model('contrast')),
  sharpen: paramsArb('sharpen', ['r', 's'], 2).map(model('sharpen')),
  blur: paramsArb('blur', ['r', 's'], 2).map(model('blur')),
  grayscale: paramsArb('grayscale', ['g']).map(model('grayscale')),
  format: paramsArb('format', ['f'], 1).map(model('format')),
  quality: paramsArb('quality', ['q', 'Q'], 1).map(model('quality')),
  interlace: paramsArb('interlace', ['i'], 1).map(model('interlace')),
  strip: fc.constant({ name: 'strip', params: [] }),
  watermark: fc.constantFrom('text', 'image', 'mixed').chain((kind) => {
    const text = kind !== 'image';
    const image = kind !== 'text';
    return join(
      paramsArb(
        'watermark',
        [...(text ? ['text'] : []), ...(image ? ['image'] : [])],
        kind === 'mixed' ? 2 : 1,
      ),
      paramsArb('watermark', [
        ...WATERMARK_COMMON,
        ...(text ? WATERMARK_TEXT : []),
        ...(image ? WATERMARK_IMAGE : []),
        ...(text && image ? WATERMARK_MIXED : []),
      ]),
    ).map(model('watermark'));
  }),
};

/** A watermark's pre-processing: 1–3 actions of those §9 allows, in their plain spelling. */
function preprocessingArb(): fc.Arbitrary<string> {
  const allowed = ['resize', 'crop', 'rotate', 'bright', 'contrast'].map(
    (name) => ACTION_ARBS[name] ?? fc.constant(model(name)([])),
  );
  return fc
    .array(fc.oneof(...allowed), { minLength: 1, maxLength: 3 })
    .map((actions) => `image/${actions.map(plainSpelling).join('/')}`);
}

const hasBase64 = (actions: readonly ActionModel[]): boolean =>
  actions.some((action) =>
    action.params.some(([key]) => paramOf(action.name, key).type === 'base64'),
  );

/** 1–16 valid actions; `info` only alone (§3.17). */
const commandModelArb: fc.Arbitrary<ActionModel[]> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.array(fc.oneof(...Object.values(ACTION_ARBS)), {
      minLength: 1,
      maxLength: LIMITS.actions,
    }),
  },
  { weight: 1, arbitrary: fc.constant<ActionModel[]>([{ name: 'info', params: [] }]) },
);

// Spellings: the many ways of writing one command (§1.2): key order, enum case and aliases,
// leading zeros and -0, six-digit colours, base64 padding and `+` for `-`, empty tokens and
// segments, rotate's bare angle, defaults written out or left out.

function plainValue(param: Param, value: Value): string {
  return param.type === 'base64' ? base64url(String(value)) : String(value);
}
function plainSpelling(action: ActionModel): string {
  return [
    action.name,
    ...action.params.map(
      ([key, value]) => `${key}_${plainValue(paramOf(action.name, key), value)}`,
    ),
  ].join(',');
}

function valueSpelling(param: Param, value: Value): fc.Arbitrary<string> {
  switch (param.type) {
    case 'int': {
      const n = Number(value);
      return fc.tuple(fc.nat(3), fc.boolean()).map(([zeros, negativeZero]) => {
        if (n === 0 && negativeZero) return `-${'0'.repeat(zeros + 1)}`;
        return `${n < 0 ? '-' : ''}${'0'.repeat(zeros)}${Math.abs(n)}`;
      });
    }
    case 'enum': {
      const word = String(value);
      const aliases = Object.entries(param.aliases ?? {}).flatMap(([alias, target]) =>
        target === word ? [alias] : [],
      );
      return fc.mixedCase(fc.constantFrom(word, ...aliases));
    }
    case 'color': {
      const hex = String(value);
      const forms = hex.endsWith('FF') ? [hex, hex.slice(0, 6)] : [hex];
      return fc.mixedCase(fc.constantFrom(...forms));
    }
    case 'base64': {
      const bare = base64url(String(value));
      return fc.tuple(fc.boolean(), fc.boolean()).map(([padded, plus]) => {
        const body = plus ? bare.replace(/-/g, '+') : bare;
        return padded ? body + '='.repeat((4 - (body.length % 4)) % 4) : body;
      });
    }
    case 'name':
      return fc.constant(String(value));
  }
}

const separators = (count: number, choices: string[]) =>
  fc.array(fc.constantFrom(...choices), { minLength: count, maxLength: count });

function actionSpelling(action: ActionModel): fc.Arbitrary<string> {
  const tokens = fc.tuple(
    ...action.params.map(([key, value]) =>
      valueSpelling(paramOf(action.name, key), value).chain((text) =>
        // `rotate,90` is `rotate,a_90` (§3.6).
        action.name === 'rotate' && key === 'a'
          ? fc.constantFrom(`a_${text}`, text)
          : fc.constant(`${key}_${text}`),
      ),
    ),
  );
  return tokens
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))
    .chain((list) =>
      fc
        .tuple(separators(list.length, [',', ',,']), fc.constantFrom('', ','))
        .map(
          ([seps, tail]) =>
            action.name + list.map((token, i) => `${seps[i]}${token}`).join('') + tail,
        ),
    );
}

function commandSpelling(actions: readonly ActionModel[]): fc.Arbitrary<string> {
  return fc
    .tuple(...actions.map(actionSpelling))
    .chain((segments) =>
      fc
        .tuple(separators(segments.length, ['/', '//']), fc.constantFrom('', '/'))
        .map(
          ([seps, tail]) =>
            'image' + segments.map((segment, i) => `${seps[i]}${segment}`).join('') + tail,
        ),
    );
}

/** Defaults written out explicitly spell the same command as defaults left out. */
function withExplicitDefaults(action: ActionModel): ActionModel {
  const given = new Set(action.params.map(([key]) => key));
  const defaults = Object.entries(DECLARED[action.name] ?? {}).flatMap(
    ([key, param]): Array<[string, Value]> =>
      !given.has(key) && 'default' in param && param.default !== undefined
        ? [[key, param.default]]
        : [],
  );
  return { name: action.name, params: [...action.params, ...defaults] };
}

const spelledCommandArb = commandModelArb.chain((actions) =>
  fc
    .subarray(actions.map((_, i) => i))
    .map((explicit) =>
      actions.map((action, i) => (explicit.includes(i) ? withExplicitDefaults(action) : action)),
    )
    .chain((written) => commandSpelling(written))
    .map((text) => ({ actions, text })),
);

// ---------------------------------------------------------------------------------------------
// Arbitrary strings: plain, full Unicode, UTF-16 code units (lone surrogates included), and
// strings built from the grammar's alphabet.

const ACTION_NAMES = [...ACTIONS.keys(), ...UNSUPPORTED_ACTIONS, 'pxresize', 'Resize', 'style'];
const SEPARATORS = [',', '/', '_', '=', '-', '.', '+', '&', '?', ' ', '!', '|', '@'];
const PERCENT = [
  '%',
  '%2C',
  '%2F',
  '%5F',
  '%3D',
  '%25',
  '%2B',
  '%zz',
  '%E4%B8%AD',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
];

const codeUnitString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  maxLength: 200,
});
const arbitraryText = fc.oneof(
  fc.string({ maxLength: MAX_INPUT }),
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  codeUnitString,
);

/** Values near every declared edge, and some that are nothing like values. */
const valueTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ...INT_PARAMS.flatMap(({ min, max }) => [min - 1, min, max, max + 1].map(String)),
  ),
  fc.constantFrom(
    ...ENUM_PARAMS.flatMap(({ param }) => (param.type === 'enum' ? param.values : [])),
  ),
  fc.constantFrom(
    '',
    '-',
    '-0',
    '+5',
    '1.5',
    '1e3',
    '0x10',
    '9'.repeat(30),
    'FFFFFF',
    'ffffff00',
    'GG0000',
    'jpeg',
    'JPEG',
  ),
  fc.stringMatching(/^-?[0-9]{1,6}$/),
  textArb(150).map(base64url),
  fc.base64String({ maxLength: 40 }),
  fc.string({ maxLength: 12 }),
);
const tokenArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...ALL_KEYS, 'z', '', 'W', 'Q', 'P'), valueTextArb)
      .map(([k, v]) => `${k}_${v}`),
  },
  { weight: 1, arbitrary: valueTextArb },
  { weight: 1, arbitrary: fc.constantFrom(...SEPARATORS, ...PERCENT) },
);
const segmentArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ACTION_NAMES, ''), fc.array(tokenArb, { maxLength: 12 }))
  .map(([name, tokens]) => [name, ...tokens].join(','));
/** A watermark whose object key carries an arbitrary pre-processing command. */
const preprocessedWatermarkArb = fc
  .tuple(
    objectKeyArb,
    fc.array(segmentArb, { maxLength: 4 }),
    fc.constantFrom('image/', 'style/', ''),
  )
  .map(
    ([key, segments, prefix]) =>
      `watermark,image_${base64url(`${key}?x-bce-process=${prefix}${segments.join('/')}`)}`,
  );
const nearCommandArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('image/', 'image/', 'image/', 'style/', 'images/', 'image', ''),
    fc.array(
      fc.oneof(
        { weight: 8, arbitrary: segmentArb },
        { weight: 1, arbitrary: preprocessedWatermarkArb },
      ),
      {
        maxLength: 20,
      },
    ),
    fc.array(fc.constantFrom('/', '//', ''), { maxLength: 20 }),
  )
  .map(
    ([prefix, segments, seps]) => prefix + segments.map((s, i) => `${s}${seps[i] ?? '/'}`).join(''),
  );
const alphabetSoupArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...ACTION_NAMES),
      fc.constantFrom(...ALL_KEYS),
      fc.constantFrom(...SEPARATORS, ...PERCENT),
      fc.stringMatching(/^[0-9]{1,5}$/),
    ),
    { maxLength: 300 },
  )
  .map((parts) => parts.join(''))
  .chain((body) => fc.constantFrom('image/', 'style/', '').map((prefix) => prefix + body));

/** encodeURIComponent, with a lone surrogate sent as the replacement character browsers send. */
const percentEncoded = (text: string): string =>
  encodeURIComponent(
    text.replace(/[\uD800-\uDFFF]/g, (unit, at: number) => {
      const pair = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;
      return pair.test(text.slice(at, at + 2)) || (at > 0 && pair.test(text.slice(at - 1, at + 1)))
        ? unit
        : '\uFFFD';
    }),
  );

const bounded = (arb: fc.Arbitrary<string>) => arb.map((text) => text.slice(0, MAX_INPUT));
const processValueArb = bounded(
  fc.oneof(
    { weight: 2, arbitrary: arbitraryText },
    { weight: 2, arbitrary: arbitraryText.map((text) => `image/${text}`) },
    { weight: 3, arbitrary: alphabetSoupArb },
    { weight: 6, arbitrary: nearCommandArb },
    { weight: 2, arbitrary: spelledCommandArb.map(({ text }) => text) },
  ),
);

// ---------------------------------------------------------------------------------------------

describe('property 1: the parser is total (PROTOCOL.md §1.2, §2.2)', () => {
  it('an x-bce-process value is parsed, or refused with a 4xx BosError, quickly', () => {
    fc.assert(
      fc.property(processValueArb, fc.constantFrom(...ACCEPTS), (value, accept) => {
        const outcome = attempt(() => parseProcess(value, accept, config));
        expectClientError(outcome);
        if (outcome.kind === 'value' && outcome.value.kind === 'command') {
          const { command } = outcome.value.prepared;
          expect(command.canonical).not.toBe('');
          expect(command.pixelActions.length).toBeLessThanOrEqual(LIMITS.actions);
        }
      }),
      runs(2000),
    );
  });

  it('a raw query string is read (percent-decoded once) and parsed, or refused with a 4xx', () => {
    const rawArb = bounded(
      fc.oneof(
        arbitraryText,
        processValueArb.map((value) => `x-bce-process=${value}`),
        processValueArb.map((value) => `x-bce-process=${percentEncoded(value).slice(0, 1990)}`),
        alphabetSoupArb.map((value) => `?x-bce-process=${value}&exif`),
      ),
    );
    fc.assert(
      fc.property(rawArb, (raw) => {
        const read = attempt(() => readProcessRequest(raw));
        expectClientError(read);
        if (read.kind === 'value' && read.value.kind === 'command') {
          const { value } = read.value;
          expectClientError(attempt(() => parseProcess(value, null, config)));
        }
      }),
      runs(1000),
    );
  });
});

describe('property 2: valid commands round-trip through their canonical form (§1.2, §7.6)', () => {
  it('every spelling of a generated valid command parses to the expected canonical form, and that form parses to itself', () => {
    fc.assert(
      fc.property(spelledCommandArb, fc.constantFrom(...ACCEPTS), ({ actions, text }, accept) => {
        const prepared = valueOf(prepare(text, accept), text);
        const canonical = prepared.command.canonical;
        expect(canonical).toBe(actions.map(expectedCanonical).join('/'));
        // A base64 value's canonical spelling is its decoded text, percent-encoded (params.ts
        // canonicalValue): a cache-key spelling, not a command, so a watermark is not re-parsed.
        if (hasBase64(actions)) return;
        const again = valueOf(prepare(`image/${canonical}`, accept), `image/${canonical}`);
        expect(again.command.canonical).toBe(canonical);
        expect(again.formatChoice).toEqual(prepared.formatChoice);
      }),
      runs(1500),
    );
  });

  it('the canonical form does not depend on the spelling (a watermark included)', () => {
    const twoSpellings = commandModelArb.chain((actions) =>
      fc.tuple(commandSpelling(actions), commandSpelling(actions.map(withExplicitDefaults))),
    );
    fc.assert(
      fc.property(twoSpellings, ([one, other]) => {
        expect(valueOf(prepare(one), one).command.canonical).toBe(
          valueOf(prepare(other), other).command.canonical,
        );
      }),
      runs(500),
    );
  });

  it('different values of one parameter give different canonical forms (no cache-key collision)', () => {
    const pairs = fc.constantFrom(...INT_PARAMS).chain(({ action, key, min, max }) =>
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => ({ action, key, a, b })),
    );
    fc.assert(
      fc.property(pairs, ({ action, key, a, b }) => {
        const one = valueOf(prepare(commandWith(action, key, String(a))), `${key}_${a}`);
        const other = valueOf(prepare(commandWith(action, key, String(b))), `${key}_${b}`);
        expect(one.command.canonical).not.toBe(other.command.canonical);
      }),
      runs(500),
    );
  });
});

describe('property 3: declared ranges are enforced (§1.2 rule 7, §3)', () => {
  it('the test table names exactly the registry actions, and exactly their keys', () => {
    expect(Object.keys(DECLARED).sort()).toEqual([...ACTIONS.keys()].sort());
    // Every key of one letter, every lower-case key of two, and every key the table names.
    const lower = [...'abcdefghijklmnopqrstuvwxyz'];
    const shortKeys = [
      ...lower,
      ...lower.map((a) => a.toUpperCase()),
      ...lower.flatMap((a) => lower.map((b) => a + b)),
    ];
    for (const action of ACTIONS.keys()) {
      for (const key of new Set([...ALL_KEYS, ...shortKeys])) {
        const outcome = attempt(() => prepareCommand(`image/${action},${key}_1`, null, config));
        const unknown =
          outcome.kind === 'refused' &&
          outcome.error.message === messages.unsupportedParameter(key, action);
        expect(unknown, `${action} ${key}`).toBe(DECLARED[action]?.[key] === undefined);
      }
    }
  });

  it('each bound is accepted; one past it is 400 InvalidArgument', () => {
    for (const { action, key, min, max } of INT_PARAMS) {
      for (const value of [min, max]) {
        const outcome = prepare(commandWith(action, key, String(value)));
        const prepared = valueOf(outcome, commandWith(action, key, String(value)));
        expect(prepared.command.canonical.split(/[,/]/)).toContain(`${key}_${value}`);
      }
      for (const value of [min - 1, max + 1]) {
        const outcome = prepare(commandWith(action, key, String(value)));
        expect(outcome.kind, `${action} ${key}_${value}`).toBe('refused');
        if (outcome.kind !== 'refused') continue;
        expect(outcome.error).toBeInstanceOf(BosError);
        expect(outcome.error.code).toBe('InvalidArgument');
        expect(outcome.error.status).toBe(400);
        expect(outcome.error.status).toBe(CODE_TABLE.InvalidArgument.status);
        expect(outcome.error.message).toBe(messages.invalidValue(key, String(value)));
      }
    }
  });

  it('any integer is accepted exactly when it lies in its range', () => {
    const cases = fc
      .constantFrom(...INT_PARAMS)
      .chain((param) =>
        fc
          .oneof(
            fc.integer({ min: param.min - 3, max: param.max + 3 }),
            fc.integer({ min: -1_000_000, max: 1_000_000 }),
            fc.maxSafeInteger(),
            fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
          )
          .map((value) => ({ ...param, value: String(value) })),
      );
    fc.assert(
      fc.property(cases, ({ action, key, min, max, value }) => {
        const outcome = prepare(commandWith(action, key, value));
        expectClientError(outcome);
        const inRange = Number(value) >= min && Number(value) <= max;
        expect(outcome.kind, `${action} ${key}_${value}`).toBe(inRange ? 'value' : 'refused');
        if (outcome.kind === 'refused') {
          expect(outcome.error.code).toBe('InvalidArgument');
          expect(outcome.error.message).toBe(messages.invalidValue(key, value));
        }
      }),
      runs(2000),
    );
  });

  it('an enumerated word is accepted in any case exactly when it is declared', () => {
    const otherWord = fc.stringMatching(/^[a-z0-9]{1,12}$/);
    const cases = fc.oneof(
      ...ENUM_PARAMS.map(({ action, key, param }) =>
        fc
          .oneof(
            fc.mixedCase(fc.constantFrom(...(param.type === 'enum' ? param.values : []))),
            otherWord,
          )
          .map((word) => ({ action, key, param, word })),
      ),
    );
    fc.assert(
      fc.property(cases, ({ action, key, param, word }) => {
        if (param.type !== 'enum') return;
        const outcome = prepare(commandWith(action, key, word));
        expectClientError(outcome);
        const lower = word.toLowerCase();
        const target = Object.hasOwn(param.aliases ?? {}, lower) ? param.aliases?.[lower] : lower;
        const accepted =
          target !== undefined &&
          param.values.includes(target) &&
          !(action === 'format' && target === 'heic');
        expect(outcome.kind, `${action} ${key}_${word}`).toBe(accepted ? 'value' : 'refused');
        if (outcome.kind === 'refused') expect(outcome.error.code).toBe('InvalidArgument');
      }),
      runs(1000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// V1 (§6).

const V1_IMAGE: Readonly<Record<string, { min: number; max: number } | readonly string[]>> = {
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
const V1_WATERMARK_NUMBERS = {
  g: { min: 1, max: 9 },
  x: { min: -4096, max: 4096 },
  y: { min: -4096, max: 4096 },
  a: { min: -360, max: 360 },
  o: { min: 1, max: 100 },
} as const;

type V1Group = Map<string, number | string>;

const v1ImageGroupArb: fc.Arbitrary<V1Group> = fc
  .subarray(Object.keys(V1_IMAGE))
  .chain((keys) =>
    fc.tuple(
      ...keys.map((key) => {
        const range = V1_IMAGE[key] ?? [];
        const value: fc.Arbitrary<number | string> = Array.isArray(range)
          ? fc.constantFrom(...(range as readonly string[]))
          : fc.integer(range as { min: number; max: number });
        return value.map((v): [string, number | string] => [key, v]);
      }),
    ),
  )
  .map((entries) => new Map(entries));
const v1WatermarkGroupArb: fc.Arbitrary<V1Group> = fc
  .tuple(
    fc.constantFrom(0, 1, 2),
    objectKeyArb,
    // V1 caps the written base64 of `t` at 80 characters: at most 60 UTF-8 bytes.
    textArb(60),
    fc
      .subarray(Object.keys(V1_WATERMARK_NUMBERS))
      .chain((keys) =>
        fc.tuple(
          ...keys.map((key) =>
            fc
              .integer(V1_WATERMARK_NUMBERS[key as keyof typeof V1_WATERMARK_NUMBERS])
              .map((v): [string, number] => [key, v]),
          ),
        ),
      ),
  )
  .map(([wm, key, text, numbers]) => {
    const group: V1Group = new Map<string, number | string>([['wm', wm], ...numbers]);
    if (wm === 1) group.set('k', key);
    if (wm === 2) group.set('t', text);
    return group;
  });

/** The V2 canonical form §6 maps a V1 group to (through the V2 defaults). */
function v1Expected(group: V1Group): string[] {
  const n = (key: string) => group.get(key);
  if (group.has('wm')) {
    const wm = n('wm');
    if (wm === 0) return [];
    const params: Array<[string, Value]> = [
      [wm === 1 ? 'image' : 'text', n(wm === 1 ? 'k' : 't') ?? ''],
    ];
    for (const [v1, v2] of [
      ['g', 'g'],
      ['x', 'x'],
      ['y', 'y'],
      ['a', 'a'],
      ['o', 't'],
    ] as const) {
      const value = n(v1);
      if (value !== undefined) params.push([v2, value]);
    }
    return [expectedCanonical({ name: 'watermark', params })];
  }
  const actions: ActionModel[] = [];
  const defined = <T>(pairs: Array<[string, T | undefined]>): Array<[string, T]> =>
    pairs.filter((pair): pair is [string, T] => pair[1] !== undefined);
  if (n('c') === 1) {
    actions.push({
      name: 'crop',
      params: defined([
        ['x', n('x') ?? 0],
        ['y', n('y') ?? 0],
        ['w', n('w')],
        ['h', n('h')],
      ]),
    });
  } else if (n('w') !== undefined || n('h') !== undefined) {
    const mode = ['lfit', 'fixed', 'fill'][Number(n('s') ?? 0)];
    actions.push({
      name: 'resize',
      params: defined([
        ['m', mode],
        ['w', n('w')],
        ['h', n('h')],
        ['limit', n('l') === 1 ? 0 : 1],
      ]),
    });
  }
  if (n('a') !== undefined) actions.push({ name: 'rotate', params: defined([['a', n('a')]]) });
  if (n('o') !== undefined) {
    actions.push({ name: 'auto-orient', params: [['o', n('o') === 0 ? 0 : 1]] });
  }
  if (n('q') !== undefined) actions.push({ name: 'quality', params: defined([['Q', n('q')]]) });
  if (n('f') !== undefined) actions.push({ name: 'format', params: defined([['f', n('f')]]) });
  if (n('d') !== undefined) actions.push({ name: 'interlace', params: defined([['i', n('d')]]) });
  return actions.map(expectedCanonical);
}

/** A V1 group as written: keys in any order, empty tokens, leading zeros (≤ 5 digits), base64. */
function v1Spelling(group: V1Group, leadingZeros: boolean): fc.Arbitrary<string> {
  const tokens = [...group].map(([key, value]) => {
    if (key === 'k' || key === 't') return fc.constant(`${key}_${base64url(String(value))}`);
    if (typeof value === 'string') return fc.constant(`${key}_${value}`);
    const digits = String(Math.abs(value));
    return fc
      .nat(leadingZeros ? 5 - digits.length : 0)
      .map((zeros) => `${key}_${value < 0 ? '-' : ''}${'0'.repeat(zeros)}${digits}`);
  });
  return fc
    .tuple(...tokens)
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))
    .chain((list) =>
      separators(list.length, [',', ',,']).map((seps) =>
        list.map((t, i) => (i === 0 ? t : seps[i] + t)).join(''),
      ),
    );
}

// prettier-ignore
const V1_KEYS = ['s', 'w', 'h', 'l', 'c', 'x', 'y', 'a', 'o', 'q', 'f', 'd', 'wm', 'k', 't', 'g', 'p', 'e'];
const v1SoupArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...V1_KEYS), valueTextArb).map(([k, v]) => `${k}_${v}`),
      fc.constantFrom(',', '|', '_', '!', '/', '-', '=', '+', '?', '%', ...V1_KEYS),
      fc.stringMatching(/^-?[0-9]{1,6}$/),
      fc.constantFrom('jpg', 'png', 'webp', 'bmp', 'tiff', 'baseline', 'progressive', 'h200', '_a'),
    ),
    { maxLength: 200 },
  )
  .map((parts) => parts.join(''));

describe('property 4: V1 `@` translation (§6)', () => {
  it('whatever follows the @ is translated, or refused with a 4xx BosError; so is the V2 result', () => {
    fc.assert(
      fc.property(
        bounded(
          fc.oneof(
            arbitraryText,
            v1SoupArb,
            v1SoupArb.map((s) => `!${s}`),
          ),
        ),
        (spec) => {
          const translated = attempt(() => translateV1(spec));
          expectClientError(translated);
          if (translated.kind !== 'value') return;
          expect(translated.value).toMatch(/^(image|style)\//);
          expectClientError(attempt(() => parseProcess(translated.value, null, config)));
        },
      ),
      runs(2000),
    );
  });

  const v1Cases = (leadingZeros: boolean) =>
    fc
      .array(fc.oneof(v1ImageGroupArb, v1WatermarkGroupArb), { minLength: 1, maxLength: 4 })
      .chain((groups) =>
        fc
          .tuple(...groups.map((group) => v1Spelling(group, leadingZeros)))
          .map((written) => ({ groups, spec: written.join('|') })),
      );
  /** The V2 canonical form of a valid V1 command is the one of its §6 chain; over 16 actions, 400. */
  const v1Translates = ({ groups, spec }: { groups: V1Group[]; spec: string }) => {
    const expected = groups.flatMap(v1Expected);
    const translated = attempt(() => translateV1(spec));
    expectClientError(translated);
    if (expected.length === 0) {
      expect(translated.kind === 'refused' && translated.error.code, spec).toBe('InvalidArgument');
      return;
    }
    const v2 = valueOf(translated, spec);
    const prepared = prepare(v2);
    if (expected.length > LIMITS.actions) {
      expect(prepared.kind === 'refused' && prepared.error.code, v2).toBe('InvalidArgument');
      return;
    }
    expect(valueOf(prepared, `${spec} → ${v2}`).command.canonical, `${spec} → ${v2}`).toBe(
      expected.join('/'),
    );
  };

  it('a valid V1 command becomes the V2 chain of §6 (within the 16-action limit)', () => {
    fc.assert(fc.property(v1Cases(false), v1Translates), runs(1000));
  });

  // Found by this property (issue 15, fixed in v1.ts): numbers with leading zeros were compared
  // as text, so `wm_00` (shrunk counterexample) was not "no watermark", `c_01` was no crop,
  // `l_01` became limit_1 and `o_00` auto-orient,o_1.
  it('leading zeros in V1 numbers do not change the translation', () => {
    fc.assert(fc.property(v1Cases(true), v1Translates), runs(1000));
  });

  // Found by this property (issue 15, fixed in v1.ts): `k` and `t` went into the V2 string as
  // written, so a `/` ended the watermark and started another V2 action (`wm_2,t_IA/`, shrunk;
  // `wm_2,t_SGVsbG8/grayscale` turned the whole image grey). They must be url-safe base64.
  it('a V1 watermark `t` or `k` reaches V2 as one value, validated as base64 (§1.3)', () => {
    const pieceArb = fc.oneof(
      textArb(40).map(base64url),
      fc.constantFrom('/', '/grayscale', '/info', '/strip', '/rotate', '=', '+', '?', '&', '%2F'),
      fc.base64String({ maxLength: 12 }),
    );
    const cases = fc.tuple(
      fc.constantFrom('t', 'k'),
      fc
        .array(pieceArb, { minLength: 1, maxLength: 6 })
        .map((parts) => parts.join('').slice(0, 100)),
    );
    fc.assert(
      fc.property(cases, ([key, value]) => {
        const spec = `wm_${key === 'k' ? 1 : 2},${key}_${value}`;
        const translated = attempt(() => translateV1(spec));
        expectClientError(translated);
        if (translated.kind !== 'value') return;
        const prepared = prepare(translated.value);
        expectClientError(prepared);
        if (prepared.kind !== 'value') return;
        // Accepted: the value must be valid url-safe base64, decoded into the watermark's one value.
        const decoded = attempt(() =>
          parseBase64Text(key === 'k' ? 'image' : 'text', value, { type: 'base64' }),
        );
        const { command } = prepared.value;
        expect(
          command.pixelActions.map((action) => action.name),
          `${spec} → ${translated.value}`,
        ).toEqual(['watermark']);
        const resource = command.resources[0];
        const carried =
          resource?.kind === 'font'
            ? resource.text
            : resource?.kind === 'object'
              ? resource.key +
                (resource.process === undefined ? '' : `?x-bce-process=${resource.process}`)
              : undefined;
        expect(
          decoded.kind === 'value' ? decoded.value : `<${value} is not base64>`,
          `${spec} → ${translated.value}`,
        ).toBe(carried);
        expect(command.canonical.split('/'), `${spec} → ${translated.value}`).toHaveLength(1);
      }),
      runs(1000),
    );
  });
});
