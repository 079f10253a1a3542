import { presignCredential } from '../access/presign';
import { readStyle, styleKey } from '../access/styles';
import type { ParamSpec } from '../actions/params';
import { ACTIONS, UNSUPPORTED_ACTIONS } from '../actions/registry';
import type { ActionStage } from '../actions/types';
import type { Config } from '../config';
import { BosError } from '../errors';
import { mimeOfExtension } from '../formats/registry';
import { LIMITS } from '../limits';
import { parseProcess, prepareStyle } from '../plan/validate';
import { readTarget, type Query } from '../request/query';
import { translateV1 } from '../request/v1';

/**
 * The playground (README, "Playground"): a page that composes commands against this Worker, and
 * the endpoints it reads. Only routed when `PLAYGROUND` is on; every answer is `no-store`, so no
 * cache in front keeps any of it.
 */

const json = (body: unknown): Response =>
  new Response(JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });

/** The page may load only what the Worker serves: it works offline and runs no foreign code. */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * One of the page's files from the `[assets]` directory (`playground/`). The assets are reached
 * only through the Worker (`run_worker_first`), which is what keeps them off with the flag.
 */
export async function servePlaygroundFile(
  assets: Fetcher | undefined,
  request: Request,
  file: string,
): Promise<Response> {
  if (!assets) {
    throw new BosError('NoSuchKey', 'The playground files are not deployed ([assets] binding).');
  }
  const response = await assets.fetch(new Request(new URL(file, request.url)));
  if (!response.ok) {
    await response.body?.cancel();
    throw new BosError('NoSuchKey');
  }
  const headers = new Headers({
    'Content-Type': response.headers.get('Content-Type') ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (file.endsWith('.html')) headers.set('Content-Security-Policy', PAGE_POLICY);
  return new Response(response.body, { status: 200, headers });
}

/** One parameter of an action as `/_bos/actions.json` describes it. */
export interface ParamDescription {
  key: string;
  type: ParamSpec['type'];
  required: boolean;
  min?: number;
  max?: number;
  default?: number | string;
  values?: readonly string[];
  aliases?: Readonly<Record<string, string>>;
  maxLength?: number;
}

export interface ActionDescription {
  name: string;
  stage: ActionStage;
  /** The key a bare token stands for (`rotate,90`). */
  bareKey?: string;
  params: ParamDescription[];
}

export interface ActionsDocument {
  maxActions: number;
  actions: ActionDescription[];
  /** Recognised and always refused (PROTOCOL.md §3.19). */
  unsupported: string[];
}

function describeParam(key: string, spec: ParamSpec): ParamDescription {
  const described: ParamDescription = { key, type: spec.type, required: spec.required === true };
  switch (spec.type) {
    case 'int':
      described.min = spec.min;
      described.max = spec.max;
      break;
    case 'enum':
      described.values = spec.values;
      if (spec.aliases) described.aliases = spec.aliases;
      break;
    case 'base64':
      if (spec.maxLength !== undefined) described.maxLength = spec.maxLength;
      break;
  }
  if ('default' in spec && spec.default !== undefined) described.default = spec.default;
  return described;
}

/** The action registry as data: what the page builds its forms from. */
export function actionsDocument(): ActionsDocument {
  return {
    maxActions: LIMITS.actions,
    actions: [...ACTIONS.values()].map((action) => ({
      name: action.name,
      stage: action.stage,
      ...(action.bareKey === undefined ? {} : { bareKey: action.bareKey }),
      params: Object.entries(action.params).map(([key, spec]) => describeParam(key, spec)),
    })),
    unsupported: [...UNSUPPORTED_ACTIONS],
  };
}

export const serveActionsDocument = (): Response => json(actionsDocument());

/** Keys and styles listed for the page: enough for a local bucket, bounded for any other. */
const LISTED = 100;

/** How long a presigned URL stays valid. */
const PRESIGN_SECONDS = 1800;

/** Hosts that are this machine: the presigning endpoint answers nowhere else. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The key the playground signs with: the first of `ACCESS_KEYS`, and only when the page is
 * served from this machine (a deployment's host is never loopback), so a deployment with the
 * flag on by mistake is no signing oracle.
 */
function signingKey(config: Config, url: URL): { accessKeyId: string; secret: string } | undefined {
  if (!LOOPBACK.has(url.hostname)) return undefined;
  const first = config.accessKeys.entries().next();
  if (first.done) return undefined;
  const [accessKeyId, secret] = first.value;
  return { accessKeyId, secret };
}

/** `/_bos/bucket.json`: the image keys to pick from, the stored styles, and whether it can sign. */
export async function serveBucketDocument(
  bucket: R2Bucket,
  kv: KVNamespace,
  config: Config,
  url: URL,
): Promise<Response> {
  const listed = await bucket.list({ limit: 1000 });
  const images = listed.objects
    .map((object) => object.key)
    .filter((key) => !key.startsWith('_bos/') && mimeOfExtension(key.split('.').pop() ?? ''));
  const names = await kv.list({ prefix: styleKey(''), limit: LISTED });
  const styles = await Promise.all(
    names.keys.map(async ({ name }) => {
      const style = name.slice(styleKey('').length);
      return { name: style, command: await readStyle(kv, style) };
    }),
  );
  const key = signingKey(config, url);
  return json({
    bucket: config.bucketName,
    keys: images.slice(0, LISTED),
    truncated: listed.truncated || images.length > LISTED,
    styles,
    presign: key ? { accessKeyId: key.accessKeyId, expiresInSeconds: PRESIGN_SECONDS } : null,
  });
}

/**
 * `/_bos/validate?x-bce-process=…` or `?v1=…`: the command parsed and validated exactly as a
 * request for an image would be, without touching an object: its canonical form, or the BOS
 * error the image request would answer.
 */
export async function serveValidation(
  request: Request,
  kv: KVNamespace,
  config: Config,
  query: Query,
): Promise<Response> {
  const v1 = query.get('v1');
  const value = v1 === undefined ? query.get('x-bce-process') : translateV1(v1);
  if (value === undefined) {
    throw new BosError('InvalidArgument', 'Give x-bce-process or v1 to validate.');
  }
  const accept = request.headers.get('accept');
  const parsed = parseProcess(value, accept, config);
  if (parsed.kind === 'command') {
    return json({ command: value, canonical: parsed.prepared.command.canonical });
  }
  const stored = await readStyle(kv, parsed.name);
  const prepared = prepareStyle(parsed.name, stored, accept, config);
  return json({ command: stored, canonical: prepared.command.canonical, style: parsed.name });
}

/**
 * `/_bos/presign?url=<path and query>`: the same URL with an `authorization` credential
 * (bce-auth-v1, signed header `host`) the Worker itself accepts. The secret never leaves the
 * Worker; without keys, or off this machine, it is a missing key.
 */
export async function servePresigned(
  request: Request,
  config: Config,
  url: URL,
  query: Query,
): Promise<Response> {
  const key = signingKey(config, url);
  if (!key) throw new BosError('NoSuchKey');
  const wanted = query.get('url');
  const target = wanted === undefined ? undefined : new URL(wanted, url.origin);
  if (!target || target.origin !== url.origin || target.pathname.startsWith('/_bos/')) {
    throw new BosError('InvalidArgument', 'Give url, the path and query of an object here.');
  }
  const { decodedPath, query: signed } = readTarget(target, config.bucketName);
  if (signed.has('authorization')) {
    throw new BosError('InvalidArgument', 'The url is signed already.');
  }
  const host = request.headers.get('host') ?? url.host;
  const credential = await presignCredential(
    { decodedPath, query: signed, host },
    key,
    PRESIGN_SECONDS,
  );
  const separator = target.search === '' ? '?' : '&';
  return json({
    url: `${target.origin}${target.pathname}${target.search}${separator}authorization=${encodeURIComponent(credential)}`,
    accessKeyId: key.accessKeyId,
    expiresInSeconds: PRESIGN_SECONDS,
  });
}
