import { BosError } from '../errors';

/** KV key of the protection rules (PROTOCOL.md §5.2), stored as the JSON the API was given. */
export const PROTECTION_KEY = 'copyright-protection';

/**
 * How long an isolate trusts the rules it read: a change takes effect everywhere within this
 * time (documented in the README), and a busy isolate reads KV at most this often.
 */
export const PROTECTION_TTL_MS = 10_000;

export interface ProtectionRules {
  resource: string[];
}

interface CachedRules {
  readAt: number;
  patterns: RegExp[];
}
let cached: CachedRules | undefined;

/** `*` matches any run of characters including `/`; the pattern is anchored on `<bucket>/<key>`. */
export function compilePattern(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

/**
 * Validates a PUT body against PROTOCOL.md §5.2: unparsable → 400 MalformedJSON; `resource`
 * missing, empty, not strings, or an entry not starting with `<bucket>/` → 400 InvalidArgument.
 */
export function parseRules(body: string, bucket: string): ProtectionRules {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BosError('MalformedJSON');
  }
  const resource =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { resource?: unknown }).resource
      : undefined;
  if (!Array.isArray(resource) || resource.length === 0) {
    throw new BosError('InvalidArgument', 'resource must be a non-empty list of patterns.');
  }
  for (const entry of resource) {
    if (typeof entry !== 'string' || !entry.startsWith(`${bucket}/`) || entry.length > 1024) {
      throw new BosError(
        'InvalidArgument',
        `Each resource must be a pattern starting with ${bucket}/, got ${JSON.stringify(entry)}.`,
      );
    }
  }
  return { resource: resource as string[] };
}

/** The rules' patterns, from the isolate's copy while it is fresh, else from KV (one read). */
async function currentPatterns(kv: KVNamespace, now: number): Promise<RegExp[]> {
  if (cached && now - cached.readAt < PROTECTION_TTL_MS) return cached.patterns;
  const stored = await kv.get<ProtectionRules>(PROTECTION_KEY, 'json');
  const patterns = (stored?.resource ?? []).map(compilePattern);
  cached = { readAt: now, patterns };
  return patterns;
}

/** Forgets the isolate's copy (after this isolate changed the rules). */
export function forgetProtectionRules(): void {
  cached = undefined;
}

export async function isProtected(
  kv: KVNamespace,
  bucket: string,
  key: string,
  now = Date.now(),
): Promise<boolean> {
  const patterns = await currentPatterns(kv, now);
  const resource = `${bucket}/${key}`;
  return patterns.some((pattern) => pattern.test(resource));
}
