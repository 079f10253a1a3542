/**
 * Processed results in the Workers Cache API. The key holds the derived ETag, which already
 * covers the source ETag, the canonical command and the negotiated format, so a changed original
 * can never be served from an old entry and `Vary` is not needed in the key.
 */
const cacheRequest = (origin: string, etag: string, key: string) =>
  new Request(`${origin}/__bos-image-cache/${etag.replace(/"/g, '')}/${encodeURIComponent(key)}`);

const cacheable = (response: Response) => {
  const control = response.headers.get('Cache-Control') ?? '';
  return response.status === 200 && !/no-store|private/i.test(control);
};

export async function readCache(
  origin: string,
  etag: string,
  key: string,
): Promise<Response | undefined> {
  return caches.default.match(cacheRequest(origin, etag, key));
}

export function writeCache(
  context: ExecutionContext,
  origin: string,
  etag: string,
  key: string,
  response: Response,
): void {
  if (!cacheable(response)) return;
  const stored = new Response(response.clone().body, response);
  // The Cache API rejects or mishandles Vary other than Accept-Encoding; the key already varies.
  stored.headers.delete('Vary');
  // Request-specific: a hit is a new request with its own id and no render to time.
  stored.headers.delete('x-bce-request-id');
  stored.headers.delete('Server-Timing');
  context.waitUntil(
    caches.default.put(cacheRequest(origin, etag, key), stored).catch((error: unknown) => {
      console.warn('cache write failed', error);
    }),
  );
}
