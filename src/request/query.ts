import { BosError } from '../errors';
import { translateV1 } from './v1';

/** What the query string (or a V1 `@` path) asks for (PROTOCOL.md §1.1, §6). */
export type ProcessRequest =
  | { kind: 'plain' }
  | { kind: 'info' }
  | {
      kind: 'command';
      /** An `x-bce-process` value: `image/…` or `style/<name>`. */
      value: string;
      /** Written in the V1 `@` form (refused on protected objects like an inline command). */
      v1?: boolean;
    };

const decodeOnce = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BosError('InvalidArgument', `The query string is not valid percent-encoding.`);
  }
};

/** The query string, split by hand and each name and value percent-decoded once. */
export interface Query {
  /** Every parameter in order (the signature covers them all); undefined when valueless. */
  params: Array<[name: string, value: string | undefined]>;
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/**
 * Splits the raw query by hand (§1.2 rule 1): URLSearchParams would turn `+` into a space, and
 * `+` is meaningful inside url-safe base64 values.
 */
export function readQuery(rawSearch: string): Query {
  const query = rawSearch.startsWith('?') ? rawSearch.slice(1) : rawSearch;
  const params: Query['params'] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeOnce(eq < 0 ? pair : pair.slice(0, eq));
    params.push([name, eq < 0 ? undefined : decodeOnce(pair.slice(eq + 1))]);
  }
  return {
    params,
    get: (name) => params.find(([key]) => key === name)?.[1],
    has: (name) => params.some(([key]) => key === name),
  };
}

/** `x-bce-process` (once), or `exif`, or neither. */
export function processRequestOf(query: Query): ProcessRequest {
  const process = query.params.filter(([name]) => name === 'x-bce-process');
  if (process.length > 1) {
    throw new BosError('InvalidArgument', 'x-bce-process is given more than once.');
  }
  const exif = query.has('exif');
  if (process.length > 0 && exif) {
    throw new BosError('InvalidArgument', 'exif cannot be combined with x-bce-process.');
  }
  if (exif) return { kind: 'info' };
  if (process.length === 0) return { kind: 'plain' };
  return { kind: 'command', value: process[0]?.[1] ?? '' };
}

export const readProcessRequest = (rawSearch: string): ProcessRequest =>
  processRequestOf(readQuery(rawSearch));

/** The object key: the path without its leading `/`, percent-decoded once (§1.1). */
export function readObjectKey(pathname: string): string {
  const key = decodeOnce(pathname.replace(/^\/+/, ''));
  if (key === '') throw new BosError('NoSuchKey');
  return key;
}

/** Where a request points and what it asks for, read from the URL alone. */
export interface RequestTarget {
  /** The path percent-decoded once: what the signature's canonical URI is built from. */
  decodedPath: string;
  /** Named in a path-style URL (`/v1/<bucket>/<key>`); checked against the served bucket. */
  bucket: string | undefined;
  /** The object key; empty for a bucket-level request. */
  key: string;
  query: Query;
  process: ProcessRequest;
  /** `?copyrightProtection`: the management API of PROTOCOL.md §5.2. */
  management: boolean;
}

/**
 * Reads the URL: path style as the BOS SDK sends it (`/v1/<bucket>/<key>` for presigned URLs,
 * `/<bucket>/<key>` for its API calls; a path starting with `/v1/` or with the served bucket's
 * name is always read so), the V1 `@` form when there is neither `x-bce-process` nor `exif` (the
 * key is what precedes the first `@`), and the query.
 */
export function readTarget(url: URL, servedBucket: string): RequestTarget {
  const decodedPath = decodeOnce(url.pathname);
  const query = readQuery(url.search);
  let path = decodedPath.replace(/^\/+/, '');
  let bucket: string | undefined;
  const versioned = path.startsWith('v1/');
  if (versioned || path === servedBucket || path.startsWith(`${servedBucket}/`)) {
    const rest = versioned ? path.slice('v1/'.length) : path;
    const slash = rest.indexOf('/');
    bucket = slash < 0 ? rest : rest.slice(0, slash);
    path = slash < 0 ? '' : rest.slice(slash + 1);
  }
  let process = processRequestOf(query);
  const at = path.indexOf('@');
  if (process.kind === 'plain' && at >= 0) {
    process = { kind: 'command', value: translateV1(path.slice(at + 1)), v1: true };
    path = path.slice(0, at);
  }
  return {
    decodedPath,
    bucket,
    key: path,
    query,
    process,
    management: query.has('copyrightProtection'),
  };
}
