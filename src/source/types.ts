/** An original image, from R2 or the HTTP origin, with the metadata responses derive from. */
export interface SourceObject {
  key: string;
  /** Quoted strong validator of the stored bytes. */
  etag: string;
  lastModified: Date | undefined;
  cacheControl: string | undefined;
  contentType: string | undefined;
  /** Byte length when known before reading (R2 always, an origin when it sends Content-Length). */
  size: number | undefined;
  /** Reads the whole body, enforcing the 20 MB source limit while streaming. */
  bytes(): Promise<Uint8Array>;
  /** Releases the body unread (304 and cache hits). */
  discard(): void;
}
