import type { Config } from '../config';
import { BosError } from '../errors';
import { openOrigin } from './origin';
import { openR2 } from './r2';
import type { SourceObject } from './types';

export type { SourceObject } from './types';

/** R2 first; the HTTP origin when R2 lacks the key and one is configured; else 404 NoSuchKey. */
export async function openSource(
  bucket: R2Bucket,
  key: string,
  config: Config,
): Promise<SourceObject> {
  const stored = await openR2(bucket, key);
  if (stored) return stored;
  if (config.originUrl) {
    const fetched = await openOrigin(config.originUrl, key, config.originTimeoutMs);
    if (fetched) return fetched;
  }
  throw new BosError('NoSuchKey');
}
