import { authorize } from './access/authorize';
import { verifySignature } from './access/signature';
import { readStyle } from './access/styles';
import { sharedCacheable } from './cache/policy';
import { readConfig, type Config, type Env } from './config';
import { BosError } from './errors';
import { serveInfo } from './handlers/image-info';
import { serveOriginal } from './handlers/original';
import { serveProcessed } from './handlers/processed';
import {
  serveActionsDocument,
  serveBucketDocument,
  servePlaygroundFile,
  servePresigned,
  serveValidation,
} from './handlers/playground';
import { serveProtectionApi } from './handlers/protection-api';
import { parseProcess, prepareStyle, type PreparedCommand } from './plan/validate';
import { readQuery, readTarget, type RequestTarget } from './request/query';
import { errorResponse } from './response/error';
import { wasmMemoryBytes } from './wasm/loader';
import { restrictToPrivate } from './response/headers';

export type { Env } from './config';

/** The only boundary: every request gets an id, every failure becomes a BOS JSON error here. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const requestId = crypto.randomUUID();
    const started = performance.now();
    const head = request.method === 'HEAD';
    const facts: RequestFacts = {};
    let response: Response;
    try {
      response = await route(request, env, facts);
    } catch (error) {
      response = errorResponse(error, requestId, head);
      logRequest(env, request, { requestId, facts, response, started, error });
      return response;
    }
    const headers = new Headers(response.headers);
    // An answer a shared cache may replay carries nothing of this one request (see cache/policy).
    if (!sharedCacheable(response)) headers.set('x-bce-request-id', requestId);
    logRequest(env, request, { requestId, facts, response, started });
    if (head) {
      await response.body?.cancel();
      return new Response(null, { status: response.status, headers });
    }
    return new Response(response.body, { status: response.status, headers });
  },
} satisfies ExportedHandler<Env>;

/** What the router learnt of a request, for its log line. */
interface RequestFacts {
  key?: string;
  /** The canonical command (what the ETag is derived from), or the style's name. */
  command?: string;
}

const MIB = 1024 * 1024;

/**
 * One JSON line per request for Workers Logs: what was asked (the credential left out), how it
 * ended, how long it took, where the render's time went (its Server-Timing, with the predicted
 * peak) and the wasm memory the isolate holds after it (measured).
 */
function logRequest(
  env: Env,
  request: Request,
  outcome: {
    requestId: string;
    facts: RequestFacts;
    response: Response;
    started: number;
    error?: unknown;
  },
): void {
  if (!readConfig(env).logRequests) return;
  const { requestId, facts, response, started, error } = outcome;
  const url = new URL(request.url);
  url.searchParams.delete('authorization');
  const wasm = Object.values(wasmMemoryBytes()).reduce((sum, bytes) => sum + bytes, 0);
  console.log(
    JSON.stringify({
      requestId,
      method: request.method,
      path: url.pathname,
      query: url.search,
      key: facts.key,
      command: facts.command,
      status: response.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      timing: response.headers.get('server-timing') ?? undefined,
      wasmMiB: Math.round((wasm / MIB) * 10) / 10,
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
async function route(request: Request, env: Env, facts: RequestFacts): Promise<Response> {
  const config = readConfig(env);
  const url = new URL(request.url);
  if (config.playground && url.pathname.startsWith(RESERVED_PATH)) {
    return routePlayground(request, env, config, url);
  }
  const target = readTarget(url, config.bucketName);
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
  facts.key = target.key;
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
  facts.command = prepared?.command.canonical;
  const access = await authorize({
    kv: env.CONFIG,
    config,
    key: target.key,
    signer,
    throughStyle: prepared?.style !== undefined,
  });
  const response = await dispatch(request, env, config, target, prepared);
  return access.shared ? response : restrictToPrivate(response);
}

/** Paths the Worker keeps for itself (README, "Playground"); keys under `_bos/` are never served. */
const RESERVED_PATH = '/_bos/';

/** `/_bos/…` with `PLAYGROUND` on: the page, its files and endpoints; any other name is missing. */
function routePlayground(
  request: Request,
  env: Env,
  config: Config,
  url: URL,
): Promise<Response> | Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new BosError('MethodNotAllowed', `Method ${request.method} is not allowed.`);
  }
  const query = readQuery(url.search);
  switch (url.pathname.slice(RESERVED_PATH.length)) {
    case 'playground':
      return servePlaygroundFile(env.ASSETS, request, '/index.html');
    case 'playground.js':
      return servePlaygroundFile(env.ASSETS, request, '/playground.js');
    case 'playground.css':
      return servePlaygroundFile(env.ASSETS, request, '/playground.css');
    case 'actions.json':
      return serveActionsDocument();
    case 'bucket.json':
      return serveBucketDocument(env.BUCKET, env.CONFIG, config, url);
    case 'validate':
      return serveValidation(request, env.CONFIG, config, query);
    case 'presign':
      return servePresigned(request, config, url, query);
    default:
      throw new BosError('NoSuchKey');
  }
}

function dispatch(
  request: Request,
  env: Env,
  config: Config,
  { key, process }: RequestTarget,
  prepared: PreparedCommand | undefined,
): Promise<Response> {
  // Reserved whatever the flag: turning the playground on or off never changes what is served.
  if (key.startsWith(RESERVED_PATH.slice(1))) throw new BosError('NoSuchKey');
  if (process.kind === 'info' || prepared?.command.info) {
    return serveInfo(request, env.BUCKET, key, config);
  }
  if (!prepared) return serveOriginal(request, env.BUCKET, key, config);
  return serveProcessed(prepared, {
    request,
    bucket: env.BUCKET,
    key,
    config,
  });
}
