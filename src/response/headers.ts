import { formatModule } from '../formats/registry';
import type { RenderedImage } from '../pipeline/render';
import type { SourceMeta } from '../source';
import type { Config } from '../config';
import { cacheControlOf, cacheTags } from '../cache/policy';

export interface ImageResponseMeta {
  etag: string;
  source: SourceMeta;
  config: Config;
  vary: boolean;
}

/** Shared by 200 and 304 answers: the validators and caching headers of §2.1. */
export function validatorHeaders(meta: ImageResponseMeta): Headers {
  const headers = new Headers({
    ETag: meta.etag,
    'Cache-Control': cacheControlOf(meta.source.cacheControl, meta.config),
  });
  if (meta.source.lastModified)
    headers.set('Last-Modified', meta.source.lastModified.toUTCString());
  if (meta.vary) headers.set('Vary', 'Accept');
  headers.set('Cache-Tag', cacheTags(meta.source.key));
  return headers;
}

const timingEntry = (name: string, ms: number, description?: string) =>
  `${name};dur=${ms.toFixed(1)}${description ? `;desc="${description.replace(/"/g, "'")}"` : ''}`;

/**
 * A 304 for a revalidation: the validators of the 200 it stands for and, when timed, how long
 * reading the objects' metadata took (no body was read).
 */
export function notModifiedResponse(meta: ImageResponseMeta, metadataMs?: number): Response {
  const headers = validatorHeaders(meta);
  if (metadataMs !== undefined) {
    headers.set('Server-Timing', timingEntry('fetch', metadataMs, 'metadata'));
  }
  return new Response(null, { status: 304, headers });
}

/** `Server-Timing` of a render: where its time went, for operators (browsers show it too). */
export function serverTiming(image: RenderedImage): string {
  return image.timings
    .map((timing) => timingEntry(timing.name, timing.ms, timing.description))
    .join(', ');
}

export async function imageResponse(
  image: RenderedImage,
  meta: ImageResponseMeta,
): Promise<Response> {
  const headers = validatorHeaders(meta);
  headers.set('Server-Timing', serverTiming(image));
  headers.set('Content-Type', formatModule(image.format).mime);
  headers.set('Content-Length', String(image.body.length));
  headers.set('Content-MD5', await contentMd5(image.body));
  headers.set('x-bce-image-info', `width=${image.width};height=${image.height}`);
  return new Response(image.body, { status: 200, headers });
}

/**
 * The same response for the client only: `Cache-Control` becomes `private` (its max-age kept), so
 * no shared cache can answer a later request that lacks the signature this one had.
 */
export function restrictToPrivate(response: Response): Response {
  const headers = new Headers(response.headers);
  const kept = (headers.get('Cache-Control') ?? '')
    .split(',')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^(public|private|s-maxage=)/i.test(directive));
  headers.set('Cache-Control', ['private', ...kept].join(', '));
  return new Response(response.body, { status: response.status, headers });
}

/** base64 of the body's MD5 (`Content-MD5`). */
export async function contentMd5(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('MD5', body));
  return btoa(String.fromCharCode(...digest));
}
