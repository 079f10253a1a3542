import { authorize, type Access } from './access/authorize';
import { verifySignature } from './access/signature';
import { readStyle } from './access/styles';
import { readConfig, type Config, type Env } from './config';
import { BosError } from './errors';
import { serveInfo } from './handlers/image-info';
import { serveOriginal } from './handlers/original';
import { serveProcessed } from './handlers/processed';
import { serveProtectionApi } from './handlers/protection-api';
import { parseProcess, prepareStyle, type PreparedCommand } from './plan/validate';
import { readTarget, type RequestTarget } from './request/query';
import { errorResponse } from './response/error';
import { restrictToPrivate } from './response/headers';

export type { Env } from './config';

/** The only boundary: every request gets an id, every failure becomes a BOS JSON error here. */
export default {
  async fetch(request: Request, env: Env, execution: ExecutionContext): Promise<Response> {
    const requestId = crypto.randomUUID();
    const started = performance.now();
    const head = request.method === 'HEAD';
    let response: Response;
    try {
      response = await route(request, env, execution);
    } catch (error) {
      response = errorResponse(error, requestId, head);
      logRequest(env, request, requestId, response, started, error);
      return response;
    }
    const headers = new Headers(response.headers);
    headers.set('x-bce-request-id', requestId);
    logRequest(env, request, requestId, response, started);
    if (head) {
      await response.body?.cancel();
      return new Response(null, { status: response.status, headers });
    }
    return new Response(response.body, { status: response.status, headers });
  },
} satisfies ExportedHandler<Env>;

/**
 * One JSON line per request for Workers Logs: what was asked (the credential left out), how it
 * ended, how long it took and where the render's time went (its Server-Timing).
 */
function logRequest(
  env: Env,
  request: Request,
  requestId: string,
  response: Response,
  started: number,
  error?: unknown,
): void {
  if (!readConfig(env).logRequests) return;
  const url = new URL(request.url);
  url.searchParams.delete('authorization');
  console.log(
    JSON.stringify({
      requestId,
      method: request.method,
      path: url.pathname,
      query: url.search,
      status: response.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      timing: response.headers.get('server-timing') ?? undefined,
      error:
        error instanceof BosError ? error.code : error === undefined ? undefined : String(error),
    }),
  );
}

/**
 * The one router, in the order of PROTOCOL.md §1.6: the URL and the command are parsed and
 * validated (400), the signature verified (403), a style read (404), access decided (403), and
 * only then is the object read. A bad signature never costs a storage read or a decode.
 */
async function route(request: Request, env: Env, execution: ExecutionContext): Promise<Response> {
  const config = readConfig(env);
  const target = readTarget(new URL(request.url), config.bucketName);
  if (target.bucket !== undefined && target.bucket !== config.bucketName) {
    throw new BosError('NoSuchBucket', `The bucket ${target.bucket} does not exist.`);
  }
  if (target.management && target.key === '') {
    const signer = await verifySignature(request, target, config);
    return serveProtectionApi(request, env.CONFIG, config, signer);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new BosError('MethodNotAllowed', `Method ${request.method} is not allowed.`);
  }
  if (target.key === '') throw new BosError('NoSuchKey');
  const accept = request.headers.get('accept');
  const parsed =
    target.process.kind === 'command'
      ? parseProcess(target.process.value, accept, config)
      : undefined;
  const signer = await verifySignature(request, target, config);
  let prepared: PreparedCommand | undefined;
  if (parsed?.kind === 'style') {
    const stored = await readStyle(env.CONFIG, parsed.name);
    prepared = prepareStyle(parsed.name, stored, accept, config);
  } else {
    prepared = parsed?.prepared;
  }
  const access = await authorize({
    kv: env.CONFIG,
    config,
    key: target.key,
    signer,
    throughStyle: prepared?.style !== undefined,
  });
  const response = await dispatch(request, env, execution, config, target, prepared, access);
  return access.shared ? response : restrictToPrivate(response);
}

function dispatch(
  request: Request,
  env: Env,
  execution: ExecutionContext,
  config: Config,
  { key, process }: RequestTarget,
  prepared: PreparedCommand | undefined,
  access: Access,
): Promise<Response> {
  if (process.kind === 'info' || prepared?.command.info) {
    return serveInfo(request, env.BUCKET, key, config);
  }
  if (!prepared) return serveOriginal(request, env.BUCKET, key, config);
  return serveProcessed(prepared, {
    request,
    bucket: env.BUCKET,
    key,
    config,
    execution,
    shared: access.shared,
  });
}
