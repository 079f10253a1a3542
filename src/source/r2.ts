import { checkSourceBytes } from '../limits';
import type { ByteRange, StoredOriginal, SourceObject } from './types';

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

/** The object's metadata for a plain GET, and its body (or a range of it) read on demand. */
export async function headR2(bucket: R2Bucket, key: string): Promise<StoredOriginal | undefined> {
  const meta = await bucket.head(key);
  if (!meta) return undefined;
  const httpHeaders = new Headers();
  meta.writeHttpMetadata(httpHeaders);
  return {
    kind: 'stored',
    etag: meta.httpEtag,
    uploaded: meta.uploaded,
    size: meta.size,
    httpHeaders,
    read: async (range?: ByteRange) => {
      const object = await bucket.get(key, range ? { range } : {});
      // Deleted between the head and the read.
      if (!object) return undefined;
      return object.body;
    },
  };
}
