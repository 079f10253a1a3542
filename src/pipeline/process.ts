import { readCache, writeCache } from '../cache/cache';
import type { Config } from '../config';
import { checkSourceBytes } from '../plan/limits';
import { formatChoiceToken, varies } from '../request/negotiate';
import { deriveEtag, etagMatches } from '../response/etag';
import { imageResponse, validatorHeaders } from '../response/image';
import { openSource } from '../source';
import { serveInfo } from './info';
import { prepareCommand, transformImage } from './transform';

export interface ProcessContext {
  request: Request;
  bucket: R2Bucket;
  key: string;
  config: Config;
  execution: ExecutionContext;
}

/**
 * A processed GET, in the order of PROTOCOL.md §1.6: parse and validate without storage, fetch,
 * answer 304 or from the cache when possible, then check limits from the header, plan, render.
 */
export async function serveProcessed(command: string, context: ProcessContext): Promise<Response> {
  const { request, bucket, key, config, execution } = context;
  const prepared = prepareCommand(command, request.headers.get('accept'), config);
  const { plan, formatChoice } = prepared;
  if (plan.info) return serveInfo(request, bucket, key, config);

  const source = await openSource(bucket, key, config);
  const etag = await deriveEtag(source.etag, plan.canonical, formatChoiceToken(formatChoice));
  const meta = {
    etag,
    source,
    defaultCacheControl: config.defaultCacheControl,
    vary: varies(formatChoice),
  };
  if (etagMatches(request.headers.get('if-none-match'), etag)) {
    source.discard();
    return new Response(null, { status: 304, headers: validatorHeaders(meta) });
  }
  const origin = new URL(request.url).origin;
  const cached = await readCache(origin, etag, key);
  if (cached) {
    source.discard();
    const response = new Response(cached.body, cached);
    if (meta.vary) response.headers.set('Vary', 'Accept');
    return response;
  }

  if (source.size !== undefined) checkSourceBytes(source.size);
  const bytes = await source.bytes();
  const { rendered, imagePlan } = await transformImage(bytes, prepared, config);
  const response = await imageResponse(rendered, {
    ...meta,
    format: imagePlan.encode.format,
  });
  writeCache(execution, origin, etag, key, response);
  return response;
}
