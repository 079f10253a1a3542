import type { Config } from '../config';
import { BosError } from '../errors';
import { mimeOfExtension } from '../formats/registry';
import { etagMatches } from '../cache/etag';
import { cacheControlOf } from '../cache/policy';
import { openOriginal, type ByteRange } from '../source';

/** A single byte range resolved against the object size, or why it cannot be served. */
type RangeResult = { kind: 'none' } | ({ kind: 'range' } & ByteRange) | { kind: 'unsatisfiable' };

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

/** For objects stored without a Content-Type: what their name says, else opaque bytes. */
const contentTypeFromKey = (key: string): string =>
  mimeOfExtension(key.slice(key.lastIndexOf('.') + 1)) ?? 'application/octet-stream';

const notModifiedSince = (header: string | null, modified: Date): boolean => {
  if (header === null) return false;
  const since = Date.parse(header);
  return !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
};

/**
 * A GET without processing: the original bytes with validators, conditionals (304) and a single
 * range (206/416). From the origin, its own answer to the forwarded validators and range.
 */
export async function serveOriginal(
  request: Request,
  bucket: R2Bucket,
  key: string,
  config: Config,
): Promise<Response> {
  const original = await openOriginal(bucket, key, config, request.headers);
  const head = request.method === 'HEAD';
  if (original.kind === 'proxied') {
    const headers = original.headers;
    headers.set('Cache-Control', cacheControlOf(headers.get('cache-control') ?? undefined, config));
    const body = head ? null : original.body;
    if (body === null) await original.body?.cancel();
    return new Response(body, { status: original.status, headers });
  }

  const headers = new Headers(original.httpHeaders);
  if (!headers.has('Content-Type')) headers.set('Content-Type', contentTypeFromKey(key));
  headers.set('ETag', original.etag);
  headers.set('Last-Modified', original.uploaded.toUTCString());
  headers.set('Accept-Ranges', 'bytes');
  headers.set('Cache-Control', cacheControlOf(headers.get('Cache-Control') ?? undefined, config));
  const ifNoneMatch = request.headers.get('if-none-match');
  const notModified =
    ifNoneMatch !== null
      ? etagMatches(ifNoneMatch, original.etag)
      : notModifiedSince(request.headers.get('if-modified-since'), original.uploaded);
  if (notModified) return new Response(null, { status: 304, headers });

  const ifRange = request.headers.get('if-range');
  const rangeHeader =
    ifRange === null || ifRange === original.etag ? request.headers.get('range') : null;
  const range = resolveRange(rangeHeader, original.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${original.size}`);
    return new Response(null, { status: 416, headers });
  }
  const partial =
    range.kind === 'range' ? { offset: range.offset, length: range.length } : undefined;
  if (partial) {
    headers.set(
      'Content-Range',
      `bytes ${partial.offset}-${partial.offset + partial.length - 1}/${original.size}`,
    );
  }
  headers.set('Content-Length', String(partial ? partial.length : original.size));
  let body: ReadableStream | null = null;
  if (!head) {
    body = (await original.read(partial)) ?? null;
    if (!body) throw new BosError('NoSuchKey');
  }
  return new Response(body, { status: partial ? 206 : 200, headers });
}
