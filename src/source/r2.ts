import type { SourceObject } from './types';
import { readCapped } from './read-capped';

/** The object from the `BUCKET` binding, or undefined when the key is not there. */
export async function openR2(bucket: R2Bucket, key: string): Promise<SourceObject | undefined> {
  const object = await bucket.get(key);
  if (!object) return undefined;
  return {
    key,
    etag: object.httpEtag,
    lastModified: object.uploaded,
    cacheControl: object.httpMetadata?.cacheControl,
    contentType: object.httpMetadata?.contentType,
    size: object.size,
    bytes: () => readCapped(object.body, object.size),
    discard: () => void object.body.cancel().catch(() => undefined),
  };
}
