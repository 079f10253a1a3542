import type { Resource, ResourceRef } from '../actions/types';
import type { Config } from '../config';
import { BosError, messages } from '../errors';
import { openOrigin, proxyOrigin } from './origin';
import { headR2, openR2 } from './r2';
import type { Original, SourceObject } from './types';

export type { ByteRange, Original, SourceObject } from './types';

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

/**
 * The objects and fonts the actions declared, read before the image is decoded. A missing
 * watermark object is the request's fault (400, PROTOCOL.md §2.2), not a missing source.
 */
export async function fetchResources(
  bucket: R2Bucket,
  refs: readonly ResourceRef[],
  config: Config,
): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const ref of refs) {
    if (ref.kind === 'font') {
      throw new BosError('NotImplemented', messages.notImplemented(`font ${ref.name}`));
    }
    const object = await openSource(bucket, ref.key, config).catch((error: unknown) => {
      if (error instanceof BosError && error.code === 'NoSuchKey') {
        throw new BosError('InvalidArgument', `The object ${ref.key} does not exist.`);
      }
      throw error;
    });
    resources.push({ ref, etag: object.etag, bytes: await object.bytes() });
  }
  return resources;
}
