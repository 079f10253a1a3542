import type { Resource, ResourceRef } from '../actions/types';
import type { Config } from '../config';
import { BosError } from '../errors';
import { openOrigin, proxyOrigin } from './origin';
import { headR2, openR2, statR2 } from './r2';
import type { Original, SourceMeta, SourceObject } from './types';

export type { ByteRange, Original, SourceMeta, SourceObject } from './types';
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
 * The same version of an object opened again (after waiting for memory with its body let go);
 * undefined when it changed meanwhile.
 */
export async function reopenSource(
  bucket: R2Bucket,
  meta: SourceMeta,
  config: Config,
): Promise<SourceObject | undefined> {
  const stored = await openR2(bucket, meta.key, meta.etag);
  if (stored) return stored;
  if (!config.originUrl || (await statR2(bucket, meta.key))) return undefined;
  return openOrigin(config.originUrl, meta.key, config.originTimeoutMs, meta.etag);
}

/**
 * What validators need, without the body: R2's metadata (a `head()`), else the origin's answer
 * (its body let go unread; the platform's subrequest cache makes that cheap in production).
 */
export async function statSource(
  bucket: R2Bucket,
  key: string,
  config: Config,
): Promise<SourceMeta> {
  const stored = await statR2(bucket, key);
  if (stored) return stored;
  const opened = await openSource(bucket, key, config);
  opened.discard();
  return opened;
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

/** A resource opened (or only looked up): its ETag known, its bytes read on demand. */
export interface OpenedResource<T extends SourceMeta = SourceObject> {
  ref: ResourceRef;
  object: T;
}

/**
 * The objects the actions declared, opened (or, for a conditional request, looked up) before the
 * response's ETag is derived (their ETags enter it, so a replaced watermark is never served stale)
 * and before any decoding. A watermark in another bucket, or a missing one, is the request's fault
 * (400, PROTOCOL.md §2.2), not a missing source. Resources are read without the protection check
 * (§3.18).
 */
export async function openResources<T extends SourceMeta>(
  bucket: R2Bucket,
  refs: readonly ResourceRef[],
  config: Config,
  open: (bucket: R2Bucket, key: string, config: Config) => Promise<T>,
): Promise<OpenedResource<T>[]> {
  const opened: OpenedResource<T>[] = [];
  for (const ref of refs) {
    // Fonts are opened once per isolate by the pipeline, through source/fonts.ts.
    if (ref.kind === 'font') continue;
    if (ref.bucket !== undefined && ref.bucket !== config.bucketName) {
      throw new BosError(
        'InvalidArgument',
        `The watermark bucket ${ref.bucket} is not this bucket.`,
      );
    }
    const object = await open(bucket, ref.key, config).catch((error: unknown) => {
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
export { memorySource } from './memory';
