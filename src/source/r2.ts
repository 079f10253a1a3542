import { bodyReader } from './body';
import type { ByteRange, SourceMeta, SourceObject, StoredOriginal } from './types';

const metaOf = (key: string, object: R2Object): SourceMeta => ({
  key,
  etag: object.httpEtag,
  lastModified: object.uploaded,
  cacheControl: object.httpMetadata?.cacheControl,
  contentType: object.httpMetadata?.contentType,
  size: object.size,
});

/**
 * The object from the `BUCKET` binding, its body unread; undefined when the key is not there, or
 * (given `etag`) when the object is no longer that version.
 */
export async function openR2(
  bucket: R2Bucket,
  key: string,
  etag?: string,
): Promise<SourceObject | undefined> {
  // R2 compares the bare ETag; ours is the quoted HTTP form.
  const object = await bucket.get(
    key,
    etag ? { onlyIf: { etagMatches: etag.replace(/^"|"$/g, '') } } : {},
  );
  if (!object) return undefined;
  // A failed precondition returns the metadata without a body.
  if (!('body' in object)) return undefined;
  const body = bodyReader(object.body, object.size);
  return {
    ...metaOf(key, object),
    prefix: (length) => body.prefix(length),
    bytes: () => body.all(),
    discard: () => body.cancel(),
    recycle: () => body.recycle(),
  };
}

/** The object's metadata alone (a conditional request needs no body). */
export async function statR2(bucket: R2Bucket, key: string): Promise<SourceMeta | undefined> {
  const meta = await bucket.head(key);
  return meta ? metaOf(key, meta) : undefined;
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
