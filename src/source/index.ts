import type { Resource, ResourceRef } from '../actions/types';
import type { Config } from '../config';
import { BosError } from '../errors';
import { openOrigin, proxyOrigin } from './origin';
import { headR2, openR2 } from './r2';
import type { Original, SourceObject } from './types';

export type { ByteRange, Original, SourceObject } from './types';
export { bucketFonts, FONTS_VERSION, type FontLoader } from './fonts';

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

/**
 * A plain GET's original: the bucket's metadata (the body is read later, whole or a range), else
 * the origin's answer to the same validators and range; else 404 NoSuchKey.
 */
export async function openOriginal(
  bucket: R2Bucket,
  key: string,
  config: Config,
  requestHeaders: Headers,
): Promise<Original> {
  const stored = await headR2(bucket, key);
  if (stored) return stored;
  if (config.originUrl) {
    const proxied = await proxyOrigin(
      config.originUrl,
      key,
      config.originTimeoutMs,
      requestHeaders,
    );
    if (proxied) return proxied;
  }
  throw new BosError('NoSuchKey');
}

/** A resource opened: its ETag known, its bytes read on demand. */
export interface OpenedResource {
  ref: ResourceRef;
  object: SourceObject;
}

/**
 * The objects the actions declared, opened before the response's ETag is derived (their ETags
 * enter it, so a replaced watermark is never served stale) and before any decoding. A watermark
 * in another bucket, or a missing one, is the request's fault (400, PROTOCOL.md §2.2), not a
 * missing source. Resources are read without the protection check (§3.18).
 */
export async function openResources(
  bucket: R2Bucket,
  refs: readonly ResourceRef[],
  config: Config,
): Promise<OpenedResource[]> {
  const opened: OpenedResource[] = [];
  for (const ref of refs) {
    // Fonts are opened once per isolate by the pipeline, through source/fonts.ts.
    if (ref.kind === 'font') continue;
    if (ref.bucket !== undefined && ref.bucket !== config.bucketName) {
      throw new BosError(
        'InvalidArgument',
        `The watermark bucket ${ref.bucket} is not this bucket.`,
      );
    }
    const object = await openSource(bucket, ref.key, config).catch((error: unknown) => {
      if (error instanceof BosError && error.code === 'NoSuchKey') {
        throw new BosError('InvalidArgument', `The watermark object ${ref.key} does not exist.`);
      }
      throw error;
    });
    opened.push({ ref, object });
  }
  return opened;
}

/** Reads the opened resources' bytes (each within the source size limit). */
export async function readResources(opened: readonly OpenedResource[]): Promise<Resource[]> {
  return Promise.all(
    opened.map(async ({ ref, object }) => ({
      ref,
      etag: object.etag,
      bytes: await object.bytes(),
    })),
  );
}
