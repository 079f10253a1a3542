import { BosError } from '../errors';
import { bodyReader } from './body';
import type { ProxiedOriginal, SourceObject } from './types';

/**
 * `${ORIGIN_URL}/${key}` with each path segment encoded (the key was decoded once). Dot segments
 * are refused: URL parsing would resolve them and let a key reach outside the origin's base path.
 */
export function originUrl(base: string, key: string): string {
  const segments = key.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new BosError('NoSuchKey');
  }
  return `${base}/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * Requests the origin with none of the client's cookies or credentials; only the headers given
 * here are sent. Times out after `timeoutMs`.
 */
export async function fetchOrigin(
  base: string,
  key: string,
  timeoutMs: number,
  headers: HeadersInit = {},
): Promise<Response> {
  const url = originUrl(base, key);
  try {
    return await fetch(url, {
      headers,
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
      // The platform's subrequest cache keeps the origin's answers by its own Cache-Control, so
      // renders of one object at one location do not each fetch it (no effect under wrangler dev).
      cf: { cacheEverything: true },
    });
  } catch {
    throw new BosError('OriginUnavailable', 'The origin did not answer in time.');
  }
}

/**
 * The object from the HTTP origin, its body unread; undefined when it says 404/410 (or, given
 * `etag`, when it is no longer that version). Only 2xx bodies are used.
 */
export async function openOrigin(
  base: string,
  key: string,
  timeoutMs: number,
  etag?: string,
): Promise<SourceObject | undefined> {
  const response = await fetchOrigin(base, key, timeoutMs);
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status < 200 || response.status > 299 || !response.body) {
    await response.body?.cancel();
    throw new BosError('OriginUnavailable', `The origin answered ${response.status}.`);
  }
  const length = response.headers.get('content-length');
  const size = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  const modified = response.headers.get('last-modified');
  const lastModified =
    modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified) : undefined;
  const body = bodyReader(response.body, size);
  const validator = originValidator(response.headers.get('etag'), lastModified, size);
  const source: SourceObject = {
    key,
    // Without a validator of the origin's own, the content is the validator (hashed once read).
    etag: validator ?? (await contentEtag(await body.all())),
    lastModified,
    cacheControl: response.headers.get('cache-control') ?? undefined,
    contentType: response.headers.get('content-type') ?? undefined,
    size,
    prefix: (bytes) => body.prefix(bytes),
    bytes: () => body.all(),
    discard: () => body.cancel(),
    recycle: () => body.recycle(),
  };
  if (etag !== undefined && source.etag !== etag) {
    source.discard();
    return undefined;
  }
  return source;
}

/**
 * The origin's own validator: its ETag (a weak one too: it still changes with the content), else
 * its Last-Modified with the length. Undefined when it sends neither.
 */
function originValidator(
  etag: string | null,
  lastModified: Date | undefined,
  size: number | undefined,
): string | undefined {
  if (etag) return etag;
  if (lastModified) return `"modified-${lastModified.getTime()}-${size ?? 'unknown'}"`;
  return undefined;
}

async function contentEtag(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `"${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

/** What a plain GET forwards to the origin: validators and ranges, never cookies or credentials. */
const FORWARDED_REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
/** What passes back from the origin to the client. */
const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'etag',
  'last-modified',
  'cache-control',
  'accept-ranges',
];

/**
 * The original from the HTTP origin for a plain GET; undefined when it says 404/410. Statuses
 * other than 200, 206, 304 and 416 are the origin failing (502).
 */
export async function proxyOrigin(
  base: string,
  key: string,
  timeoutMs: number,
  request: Headers,
): Promise<ProxiedOriginal | undefined> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.get(name);
    if (value !== null) forwarded[name] = value;
  }
  const response = await fetchOrigin(base, key, timeoutMs, forwarded);
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return undefined;
  }
  if (![200, 206, 304, 416].includes(response.status)) {
    await response.body?.cancel();
    throw new BosError('OriginUnavailable', `The origin answered ${response.status}.`);
  }
  const headers = new Headers();
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return { kind: 'proxied', status: response.status, headers, body: response.body };
}
