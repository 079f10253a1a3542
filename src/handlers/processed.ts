import { readCache, writeCache } from '../cache/cache';
import type { Config } from '../config';
import { checkSourceBytes } from '../limits';
import { renderImage } from '../pipeline/render';
import type { PreparedCommand } from '../plan/validate';
import { formatChoiceToken, varies } from '../request/negotiate';
import { deriveEtag, etagMatches } from '../response/etag';
import { imageResponse, validatorHeaders } from '../response/headers';
import { bucketFonts, FONTS_VERSION, openResources, openSource, readResources } from '../source';

export interface ProcessedRequest {
  request: Request;
  bucket: R2Bucket;
  key: string;
  config: Config;
  execution: ExecutionContext;
  /** Whether shared caches may keep the answer (see access/authorize.ts). */
  shared: boolean;
}

/**
 * A processed GET, in the order of PROTOCOL.md §1.6, the command already validated: fetch, answer
 * 304 or from the cache when possible, read what the actions need, then render and cache.
 */
export async function serveProcessed(
  prepared: PreparedCommand,
  { request, bucket, key, config, execution, shared }: ProcessedRequest,
): Promise<Response> {
  const { command, formatChoice } = prepared;
  const started = performance.now();
  const source = await openSource(bucket, key, config);
  const resources = await openResources(bucket, command.resources, config).catch(
    (error: unknown) => {
      source.discard();
      throw error;
    },
  );
  // A watermark's ETag enters ours: replacing the logo changes every response that shows it.
  const drawsText = command.resources.some((ref) => ref.kind === 'font');
  const etag = await deriveEtag(
    [
      source.etag,
      ...resources.map(({ object }) => object.etag),
      ...(drawsText ? [`fonts:${FONTS_VERSION}`] : []),
    ].join('\n'),
    command.canonical,
    formatChoiceToken(formatChoice),
  );
  const discard = () => {
    source.discard();
    for (const { object } of resources) object.discard();
  };
  const meta = {
    etag,
    source,
    defaultCacheControl: config.defaultCacheControl,
    vary: varies(formatChoice),
  };
  if (etagMatches(request.headers.get('if-none-match'), etag)) {
    discard();
    return new Response(null, { status: 304, headers: validatorHeaders(meta) });
  }
  const origin = new URL(request.url).origin;
  // The Worker's cache is read after access was decided, so any allowed request may use it.
  const cached = await readCache(origin, etag, key);
  if (cached) {
    discard();
    const response = new Response(cached.body, cached);
    if (meta.vary) response.headers.set('Vary', 'Accept');
    return response;
  }

  if (source.size !== undefined) checkSourceBytes(source.size);
  const bytes = await source.bytes();
  const read = await readResources(resources);
  const fetchMs = performance.now() - started;
  const rendered = await renderImage(bytes, prepared, config, read, bucketFonts(bucket));
  const response = await imageResponse(rendered, meta, fetchMs);
  if (shared) writeCache(execution, origin, etag, key, response);
  return response;
}
