import { readConfig, type Env } from './config';
import { BosError } from './errors';
import { serveInfo } from './pipeline/info';
import { serveProcessed } from './pipeline/process';
import { readObjectKey, readProcessRequest } from './request/query';
import { errorResponse } from './response/error';
import { servePlain } from './response/plain';

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

async function route(request: Request, env: Env, execution: ExecutionContext): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new BosError('MethodNotAllowed', `Method ${request.method} is not allowed.`);
  }
  const config = readConfig(env);
  const url = new URL(request.url);
  const wanted = readProcessRequest(url.search);
  const key = readObjectKey(url.pathname);
  switch (wanted.kind) {
    case 'plain':
      return servePlain(request, env.BUCKET, key, config);
    case 'info':
      return serveInfo(request, env.BUCKET, key, config);
    case 'command':
      return serveProcessed(wanted.value, {
        request,
        bucket: env.BUCKET,
        key,
        config,
        execution,
      });
  }
}
