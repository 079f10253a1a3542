import type { SourceObject } from './types';
import { checkSourceBytes } from '../plan/limits';

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
    // R2 knows the size before reading: check it, then take the body in one native read.
    bytes: async () => {
      checkSourceBytes(object.size);
      return new Uint8Array(await object.arrayBuffer());
    },
    discard: () => void object.body.cancel().catch(() => undefined),
  };
}
