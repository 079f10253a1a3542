import { BosError, invalidValue } from '../errors';
import type { Rgba } from '../image';

export interface IntSpec {
  type: 'int';
  min: number;
  max: number;
  default?: number;
}
/** One of a list of words; `V` is their literal union, so parsed arguments need no casts. */
export interface EnumSpec<V extends string = string> {
  type: 'enum';
  values: readonly V[];
  /** Other spellings mapped onto a canonical value (`jpeg` → `jpg`). */
  aliases?: Readonly<Record<string, V>>;
  default?: V;
}
export interface ColorSpec {
  type: 'color';
  default?: string;
}
export interface Base64Spec {
  type: 'base64';
  /** Longest accepted value as received (before decoding). */
  maxLength?: number;
}
/** A plain identifier such as a bucket name. */
export interface NameSpec {
  type: 'name';
}
export type ParamSpec = (IntSpec | EnumSpec | ColorSpec | Base64Spec | NameSpec) & {
  required?: boolean;
};
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type ValueOf<S extends ParamSpec> = S extends IntSpec
  ? number
  : S extends ColorSpec
    ? Rgba
    : S extends EnumSpec<infer V>
      ? V
      : string;

/** Parsed arguments: a key with a default or marked required is always present. */
export type Args<P extends ParamSpecs> = {
  readonly [K in keyof P]: P[K] extends { default: string | number } | { required: true }
    ? ValueOf<P[K]>
    : ValueOf<P[K]> | undefined;
};

/** Marks a parameter the action cannot run without: absent → 400 MissingArgument. */
export const required = <S extends ParamSpec>(spec: S): S & { required: true } => ({
  ...spec,
  required: true,
});

export function int(min: number, max: number): IntSpec;
export function int(min: number, max: number, defaultValue: number): IntSpec & { default: number };
export function int(min: number, max: number, defaultValue?: number): IntSpec {
  return defaultValue === undefined
    ? { type: 'int', min, max }
    : { type: 'int', min, max, default: defaultValue };
}

export function oneOf<const V extends string>(values: readonly V[]): EnumSpec<V>;
export function oneOf<const V extends string>(
  values: readonly V[],
  defaultValue: NoInfer<V>,
  aliases?: Readonly<Record<string, NoInfer<V>>>,
): EnumSpec<V> & { default: V };
export function oneOf<const V extends string>(
  values: readonly V[],
  defaultValue?: V,
  aliases?: Readonly<Record<string, V>>,
): EnumSpec<V> {
  const spec: EnumSpec<V> = { type: 'enum', values };
  if (defaultValue !== undefined) spec.default = defaultValue;
  if (aliases !== undefined) spec.aliases = aliases;
  return spec;
}

/** An enumeration without default whose values have other spellings. */
export const oneOfAliased = <const V extends string>(
  values: readonly V[],
  aliases: Readonly<Record<string, NoInfer<V>>>,
): EnumSpec<V> => ({ type: 'enum', values, aliases });

export function color(): ColorSpec;
export function color(defaultValue: string): ColorSpec & { default: string };
export function color(defaultValue?: string): ColorSpec {
  return defaultValue === undefined ? { type: 'color' } : { type: 'color', default: defaultValue };
}

export const base64 = (maxLength?: number): Base64Spec =>
  maxLength === undefined ? { type: 'base64' } : { type: 'base64', maxLength };
export const name = (): NameSpec => ({ type: 'name' });

const INTEGER = /^-?[0-9]+$/;

export function parseInt10(key: string, text: string, spec: IntSpec): number {
  if (!INTEGER.test(text)) throw invalidValue(key, text);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    throw invalidValue(key, text);
  }
  return value;
}

export function parseEnum(key: string, text: string, spec: EnumSpec): string {
  const lower = text.toLowerCase();
  const canonical = spec.aliases?.[lower] ?? lower;
  if (!spec.values.includes(canonical)) throw invalidValue(key, text);
  return canonical;
}

const COLOR = /^(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

export function parseColor(key: string, text: string): Rgba {
  if (!COLOR.test(text)) throw invalidValue(key, text);
  const byte = (i: number) => parseInt(text.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), a: text.length === 8 ? byte(6) : 255 };
}

export const colorToHex = (c: Rgba): string =>
  [c.r, c.g, c.b, c.a].map((v) => v.toString(16).padStart(2, '0').toUpperCase()).join('');

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Url-safe base64 of UTF-8 text (§1.3): `+` is read as `-`, padding optional. */
export function parseBase64Text(key: string, text: string, spec: Base64Spec): string {
  if (spec.maxLength !== undefined && text.length > spec.maxLength) throw invalidValue(key, text);
  const urlSafe = text.replace(/\+/g, '-');
  if (!BASE64URL.test(urlSafe)) throw invalidValue(key, text);
  const bare = urlSafe.replace(/=+$/, '');
  if (bare.length === 0 || bare.length % 4 === 1) throw invalidValue(key, text);
  const standard = bare.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw invalidValue(key, text);
  }
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BosError('InvalidArgument', `The value of parameter: ${key} is not valid UTF-8.`);
  }
}

export type ParamValue = number | string | Rgba;

export function parseValue(key: string, text: string, spec: ParamSpec): ParamValue {
  if (text === '') throw invalidValue(key, text);
  switch (spec.type) {
    case 'int':
      return parseInt10(key, text, spec);
    case 'enum':
      return parseEnum(key, text, spec);
    case 'color':
      return parseColor(key, text);
    case 'base64':
      return parseBase64Text(key, text, spec);
    case 'name':
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(text)) throw invalidValue(key, text);
      return text;
  }
}

/** The canonical spelling of a parsed value, for cache keys and ETags. */
export function canonicalValue(value: ParamValue): string {
  if (typeof value === 'object') return colorToHex(value);
  if (typeof value === 'string') return encodeURIComponent(value);
  return String(value);
}
