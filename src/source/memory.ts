import type { SourceObject } from './types';

/** An original already in memory (the benchmark's, a test's), behind the same interface. */
export function memorySource(key: string, bytes: Uint8Array, etag = '"memory"'): SourceObject {
  return {
    key,
    etag,
    lastModified: undefined,
    cacheControl: undefined,
    contentType: undefined,
    size: bytes.length,
    prefix: async (length) => bytes.subarray(0, length),
    bytes: async () => bytes,
    discard: () => undefined,
    // The caller keeps these bytes (the benchmark reuses them): never pooled.
    recycle: () => undefined,
  };
}
