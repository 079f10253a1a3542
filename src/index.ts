import { readConfig, type Env } from './config';
import { BosError } from './errors';
import { serveInfo } from './handlers/image-info';
import { serveOriginal } from './handlers/original';
import { serveProcessed } from './handlers/processed';
import { prepareCommand } from './plan/validate';
import { readObjectKey, readProcessRequest } from './request/query';
import { errorResponse } from './response/error';

export type { Env } from './config';

/** The only boundary: every request gets an id, every failure becomes a BOS JSON error here. */
export default {
  async fetch(request: Request, env: Env, execution: ExecutionContext): Promise<Response> {
    const requestId = crypto.randomUUID();
    const head = request.method === 'HEAD';
    let response: Response;
    try {
      response = await route(request, env, execution);
    } catch (error) {
      return errorResponse(error, requestId, head);
    }
    const headers = new Headers(response.headers);
    headers.set('x-bce-request-id', requestId);
    if (head) {
      await response.body?.cancel();
      return new Response(null, { status: response.status, headers });
    }
    return new Response(response.body, { status: response.status, headers });
  },
} satisfies ExportedHandler<Env>;

/**
 * The one router: the query decides the handler (`?exif` and `image/info` both go to the info
 * handler), and a command is parsed and validated here, before any storage is touched.
 */
async function route(request: Request, env: Env, execution: ExecutionContext): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new BosError('MethodNotAllowed', `Method ${request.method} is not allowed.`);
  }
  const config = readConfig(env);
  const url = new URL(request.url);
  const wanted = readProcessRequest(url.search);
  const key = readObjectKey(url.pathname);
  if (wanted.kind === 'plain') return serveOriginal(request, env.BUCKET, key, config);
  if (wanted.kind === 'info') return serveInfo(request, env.BUCKET, key, config);
  const prepared = prepareCommand(wanted.value, request.headers.get('accept'), config);
  if (prepared.command.info) return serveInfo(request, env.BUCKET, key, config);
  return serveProcessed(prepared, { request, bucket: env.BUCKET, key, config, execution });
}
