/** What is known of an original before its body is read: enough for validators and the plan. */
export interface SourceMeta {
  key: string;
  /** Quoted validator of the stored bytes (the origin's own, or one made from its metadata). */
  etag: string;
  lastModified: Date | undefined;
  cacheControl: string | undefined;
  contentType: string | undefined;
  /** Byte length when known before reading (R2 always, an origin when it sends Content-Length). */
  size: number | undefined;
}

/** An original image, from R2 or the HTTP origin, its body still unread. */
export interface SourceObject extends SourceMeta {
  /**
   * The first `length` bytes (all of them when the object is shorter), read without the rest:
   * enough to plan before the request is admitted to the isolate's memory.
   */
  prefix(length: number): Promise<Uint8Array>;
  /** Reads the whole body into one buffer, enforcing the 20 MB source limit while streaming. */
  bytes(): Promise<Uint8Array>;
  /** Releases the body unread, or what is left of it (304s, waits for memory, failures). */
  discard(): void;
  /**
   * Lets the isolate reuse the buffer `bytes()` returned (source/buffers.ts): called once a
   * render is done and nothing refers to the source's bytes any more.
   */
  recycle(): void;
}

export interface ByteRange {
  offset: number;
  length: number;
}

/** A plain GET of an object in the bucket: metadata first, the body only if it is needed. */
export interface StoredOriginal {
  kind: 'stored';
  etag: string;
  uploaded: Date;
  size: number;
  /** The stored HTTP metadata (Content-Type, Cache-Control, …) as headers. */
  httpHeaders: Headers;
  /** The body, or one range of it; undefined if the object vanished meanwhile. */
  read(range?: ByteRange): Promise<ReadableStream | undefined>;
}

/**
 * A plain GET answered by the HTTP origin: its status, the validator, range and caching headers
 * it sent (nothing else passes), and its body.
 */
export interface ProxiedOriginal {
  kind: 'proxied';
  status: number;
  headers: Headers;
  body: ReadableStream | null;
}

export type Original = StoredOriginal | ProxiedOriginal;
