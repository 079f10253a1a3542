/** Deployment settings, read from `wrangler.toml` `[vars]` (documented in the README). */
export interface Env {
  BUCKET: R2Bucket;
  ORIGIN_URL?: string;
  ORIGIN_TIMEOUT_MS?: string;
  DEFAULT_CACHE_CONTROL?: string;
  AUTO_ORIENT?: string;
  AUTO_AVIF?: string;
  MEMORY_BUDGET_MIB?: string;
}

export interface Config {
  originUrl: string | undefined;
  originTimeoutMs: number;
  defaultCacheControl: string;
  autoOrient: boolean;
  autoAvif: boolean;
  /** Predicted peak memory a request may use; above it the planner shrinks harder or refuses. */
  memoryBudgetBytes: number;
}

const flag = (value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
};

/** Reads the `[vars]`; the bindings are not needed for that. */
export function readConfig(env: Omit<Env, 'BUCKET'>): Config {
  const timeout = Number(env.ORIGIN_TIMEOUT_MS);
  const budget = Number(env.MEMORY_BUDGET_MIB);
  return {
    originUrl: env.ORIGIN_URL?.trim() ? env.ORIGIN_URL.trim().replace(/\/+$/, '') : undefined,
    originTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
    defaultCacheControl: env.DEFAULT_CACHE_CONTROL?.trim() || 'public, max-age=86400',
    autoOrient: flag(env.AUTO_ORIENT, true),
    autoAvif: flag(env.AUTO_AVIF, false),
    // The isolate's limit: the prediction is calibrated on measured peaks, isolate baseline included.
    memoryBudgetBytes: (Number.isFinite(budget) && budget > 0 ? budget : 128) * 1024 * 1024,
  };
}
