import type { Config } from '../config';
import { BosError } from '../errors';
import { fetchOrigin } from '../source/origin';
import { etagMatches } from './etag';

/** A single byte range resolved against the object size, or why it cannot be served. */
type RangeResult =
  { kind: 'none' } | { kind: 'range'; offset: number; length: number } | { kind: 'unsatisfiable' };

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; several ranges or odd units are served whole (RFC 9110). */
export function resolveRange(header: string | null, size: number): RangeResult {
  if (header === null) return { kind: 'none' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'none' };
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Math.min(Number(last), size);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', offset: size - suffix, length: suffix };
  }
  const offset = Number(first);
  if (offset >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < offset) return { kind: 'none' };
  return { kind: 'range', offset, length: end - offset + 1 };
}

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  bmp: 'image/bmp',
  heic: 'image/heic',
};

/** For objects stored without a Content-Type: what their name says, else opaque bytes. */
const contentTypeFromKey = (key: string): string =>
  EXTENSION_TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';

const notModifiedSince = (header: string | null, modified: Date): boolean => {
  if (header === null) return false;
  const since = Date.parse(header);
  return !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
};

/** A GET without processing: the original bytes, with validators, conditionals and ranges. */
export async function servePlain(
  request: Request,
  bucket: R2Bucket,
  key: string,
  config: Config,
): Promise<Response> {
  const meta = await bucket.head(key);
  if (!meta) {
    if (config.originUrl) return proxyOrigin(request, key, config);
    throw new BosError('NoSuchKey');
  }
  const headers = new Headers();
  meta.writeHttpMetadata(headers);
  if (!headers.has('Content-Type')) headers.set('Content-Type', contentTypeFromKey(key));
  headers.set('ETag', meta.httpEtag);
  headers.set('Last-Modified', meta.uploaded.toUTCString());
  headers.set('Accept-Ranges', 'bytes');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', config.defaultCacheControl);
  const ifNoneMatch = request.headers.get('if-none-match');
  const notModified =
    ifNoneMatch !== null
      ? etagMatches(ifNoneMatch, meta.httpEtag)
      : notModifiedSince(request.headers.get('if-modified-since'), meta.uploaded);
  if (notModified) return new Response(null, { status: 304, headers });

  const ifRange = request.headers.get('if-range');
  const rangeHeader =
    ifRange === null || ifRange === meta.httpEtag ? request.headers.get('range') : null;
  const range = resolveRange(rangeHeader, meta.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${meta.size}`);
    return new Response(null, { status: 416, headers });
  }
  const head = request.method === 'HEAD';
  const partial = range.kind === 'range';
  if (partial) {
    headers.set(
      'Content-Range',
      `bytes ${range.offset}-${range.offset + range.length - 1}/${meta.size}`,
    );
  }
  headers.set('Content-Length', String(partial ? range.length : meta.size));
  let body: ReadableStream | null = null;
  if (!head) {
    const object = await bucket.get(
      key,
      partial ? { range: { offset: range.offset, length: range.length } } : {},
    );
    if (!object) throw new BosError('NoSuchKey');
    body = object.body;
  }
  return new Response(body, { status: partial ? 206 : 200, headers });
}

const FORWARDED_REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'etag',
  'last-modified',
  'cache-control',
  'accept-ranges',
];

/** The original from the HTTP origin: only validators and ranges are forwarded, never cookies. */
async function proxyOrigin(request: Request, key: string, config: Config): Promise<Response> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) forwarded[name] = value;
  }
  const response = await fetchOrigin(
    config.originUrl as string,
    key,
    config.originTimeoutMs,
    forwarded,
  );
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new BosError('NoSuchKey');
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
  if (!headers.has('cache-control')) headers.set('Cache-Control', config.defaultCacheControl);
  const body = request.method === 'HEAD' ? null : response.body;
  if (body === null) await response.body?.cancel();
  return new Response(body, { status: response.status, headers });
}
