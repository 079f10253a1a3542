import { formatModule } from '../formats/registry';
import type { RenderedImage } from '../pipeline/render';
import type { SourceObject } from '../source';
import { contentMd5, RENDERER_VERSION } from './etag';

export interface ImageResponseMeta {
  etag: string;
  source: SourceObject;
  defaultCacheControl: string;
  vary: boolean;
}

/** Shared by 200 and 304 answers: the validators and caching headers of §2.1. */
export function validatorHeaders(meta: ImageResponseMeta): Headers {
  const headers = new Headers({
    ETag: meta.etag,
    'Cache-Control': meta.source.cacheControl ?? meta.defaultCacheControl,
  });
  if (meta.source.lastModified)
    headers.set('Last-Modified', meta.source.lastModified.toUTCString());
  if (meta.vary) headers.set('Vary', 'Accept');
  // Purge handles for a cache in front (Workers Cache, a CDN): every derivative of an object, or
  // everything one renderer version made.
  headers.set(
    'Cache-Tag',
    `key:${encodeURIComponent(meta.source.key)},renderer:${RENDERER_VERSION}`,
  );
  return headers;
}

/** `Server-Timing` of a render: where its time went, for operators (browsers show it too). */
export function serverTiming(image: RenderedImage, fetchMs: number): string {
  const entry = (name: string, ms: number, description?: string) =>
    `${name};dur=${ms.toFixed(1)}${description ? `;desc="${description.replace(/"/g, "'")}"` : ''}`;
  return [
    entry('fetch', fetchMs),
    ...image.timings.map((timing) => entry(timing.name, timing.ms, timing.description)),
  ].join(', ');
}

export async function imageResponse(
  image: RenderedImage,
  meta: ImageResponseMeta,
  fetchMs = 0,
): Promise<Response> {
  const headers = validatorHeaders(meta);
  headers.set('Server-Timing', serverTiming(image, fetchMs));
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
