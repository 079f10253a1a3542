import { readCache, writeCache } from '../cache/cache';
import { probeImage } from '../codecs/probe';
import type { Config } from '../config';
import { BosError, messages } from '../errors';
import { assertImplemented, bindCommand } from '../plan/command';
import { checkSourceBytes, checkSourceLimits } from '../plan/limits';
import { planImage } from '../plan/plan';
import { parseCommand } from '../request/command';
import { chooseFormat, formatChoiceToken, varies } from '../request/negotiate';
import { deriveEtag, etagMatches } from '../response/etag';
import { imageResponse, validatorHeaders } from '../response/image';
import { openSource } from '../source';
import { renderImage } from './render';

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
  const parsed = parseCommand(command);
  if (parsed.kind === 'style') {
    throw new BosError('NotImplemented', messages.notImplemented('style'));
  }
  const plan = bindCommand(parsed.actions);
  assertImplemented(plan);
  const formatChoice = chooseFormat(plan.encoder, request.headers.get('accept'), config);

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
  const probe = probeImage(bytes);
  checkSourceLimits(probe);
  const imagePlan = planImage(plan, probe, formatChoice, config);
  const rendered = await renderImage(bytes, probe, imagePlan, config);
  const response = await imageResponse(rendered, {
    ...meta,
    format: imagePlan.encode.format,
  });
  writeCache(execution, origin, etag, key, response);
  return response;
}
