/** Deployment settings, read from `wrangler.toml` `[vars]` and secrets (documented in the README). */
export interface Env {
  BUCKET: R2Bucket;
  /** Styles (`style:<name>`) and protection rules (`copyright-protection`). */
  CONFIG: KVNamespace;
  BUCKET_NAME?: string;
  /** Secret: JSON `{"<accessKeyId>": "<secretAccessKey>", …}`. */
  ACCESS_KEYS?: string;
  ADMIN_ACCESS_KEY?: string;
  PRIVATE_BUCKET?: string;
  /** One JSON line per request in the Worker's logs (default true). */
  LOG_REQUESTS?: string;
  ORIGIN_URL?: string;
  ORIGIN_TIMEOUT_MS?: string;
  DEFAULT_CACHE_CONTROL?: string;
  AUTO_ORIENT?: string;
  AUTO_AVIF?: string;
  MEMORY_BUDGET_MIB?: string;
  STALE_WHILE_REVALIDATE?: string;
  REQUEST_DEADLINE_MS?: string;
  /** Serve the playground under `/_bos/` (README, "Playground"); on under `npm start` only. */
  PLAYGROUND?: string;
  /** The playground's page, script and style (`[assets]` in wrangler.toml). */
  ASSETS?: Fetcher;
}

export interface Config {
  /** The bucket's name in URLs, patterns and path-style requests (PROTOCOL.md §5). */
  bucketName: string;
  /** accessKeyId → secretAccessKey; empty when no keys are configured. */
  accessKeys: ReadonlyMap<string, string>;
  /** The key allowed to call the protection management API. */
  adminAccessKey: string | undefined;
  /** Every request needs a valid signature. */
  privateBucket: boolean;
  logRequests: boolean;
  originUrl: string | undefined;
  originTimeoutMs: number;
  defaultCacheControl: string;
  autoOrient: boolean;
  autoAvif: boolean;
  /** Predicted peak memory a request may use; above it the planner shrinks harder or refuses. */
  memoryBudgetBytes: number;
  /** Seconds a shared cache may serve an expired answer while it revalidates it (0: never). */
  staleWhileRevalidateSeconds: number;
  /** A processed request still running after this long stops at its next stage with 503. */
  requestDeadlineMs: number;
  /** `/_bos/playground` and its endpoints answer; off, `/_bos/…` is a missing key like any other. */
  playground: boolean;
}

const flag = (value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
};

/** The bucket name when `BUCKET_NAME` is unset: the R2 bucket's name in wrangler.toml. */
const DEFAULT_BUCKET_NAME = 'bos-images';

/** `ACCESS_KEYS` parsed once per isolate per value (a malformed secret is a deployment error). */
let parsedKeys: { text: string; keys: ReadonlyMap<string, string> } | undefined;
function accessKeysOf(text: string | undefined): ReadonlyMap<string, string> {
  if (!text?.trim()) return new Map();
  if (parsedKeys?.text === text) return parsedKeys.keys;
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('ACCESS_KEYS must be a JSON object of accessKeyId → secretAccessKey');
  }
  const keys = new Map(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  parsedKeys = { text, keys };
  return keys;
}

/** A non-negative number from a var, else the default. */
const numberOr = (value: string | undefined, fallback: number, positive = false): number => {
  const parsed = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(parsed) && (positive ? parsed > 0 : parsed >= 0) ? parsed : fallback;
};

/** Reads the `[vars]` and secrets; the bindings are not needed for that. */
export function readConfig(env: Omit<Env, 'BUCKET' | 'CONFIG' | 'ASSETS'>): Config {
  return {
    bucketName: env.BUCKET_NAME?.trim() || DEFAULT_BUCKET_NAME,
    accessKeys: accessKeysOf(env.ACCESS_KEYS),
    adminAccessKey: env.ADMIN_ACCESS_KEY?.trim() || undefined,
    privateBucket: flag(env.PRIVATE_BUCKET, false),
    logRequests: flag(env.LOG_REQUESTS, true),
    originUrl: env.ORIGIN_URL?.trim() ? env.ORIGIN_URL.trim().replace(/\/+$/, '') : undefined,
    originTimeoutMs: numberOr(env.ORIGIN_TIMEOUT_MS, 10_000, true),
    defaultCacheControl: env.DEFAULT_CACHE_CONTROL?.trim() || 'public, max-age=86400',
    autoOrient: flag(env.AUTO_ORIENT, true),
    autoAvif: flag(env.AUTO_AVIF, false),
    // The isolate's limit: the prediction is calibrated on measured peaks, isolate baseline included.
    memoryBudgetBytes: numberOr(env.MEMORY_BUDGET_MIB, 128, true) * 1024 * 1024,
    staleWhileRevalidateSeconds: numberOr(env.STALE_WHILE_REVALIDATE, 86_400),
    requestDeadlineMs: numberOr(env.REQUEST_DEADLINE_MS, 20_000, true),
    playground: flag(env.PLAYGROUND, false),
  };
}
