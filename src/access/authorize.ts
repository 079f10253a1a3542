import type { Config } from '../config';
import { BosError } from '../errors';
import { isProtected } from './protection';
import type { Signer } from './signature';

/** How the request was let in, which decides who may cache the answer. */
export interface Access {
  /**
   * Shared caches (CDN, the Worker's cache) may keep the answer: false when it was served only
   * because of a signature (private bucket, protected object), so that an unsigned request for
   * the same URL can never be answered from a cache.
   */
  shared: boolean;
}

/**
 * PROTOCOL.md §5.1, after the signature was verified and before storage: a private bucket needs
 * a signature; a protected object is served to a signed request or through a style only (plain
 * GET, inline and V1 commands, `?exif` → 403). Protection never makes a private bucket public.
 */
export async function authorize(input: {
  kv: KVNamespace;
  config: Config;
  key: string;
  signer: Signer | undefined;
  /** `style/<name>` or `@!<name>`. */
  throughStyle: boolean;
}): Promise<Access> {
  const { kv, config, key, signer, throughStyle } = input;
  if (config.privateBucket) {
    if (!signer) throw new BosError('AccessDenied', 'This bucket needs a signed request.');
    return { shared: false };
  }
  if (!(await isProtected(kv, config.bucketName, key))) return { shared: true };
  if (throughStyle) return { shared: true };
  if (!signer) {
    throw new BosError('AccessDenied', 'This object is protected: use a style or a signed URL.');
  }
  return { shared: false };
}
