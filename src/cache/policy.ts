import type { Config } from '../config';
import { RENDERER_VERSION } from './etag';

/**
 * What a shared cache in front of the Worker (Workers Cache, a CDN) may do with an answer. The
 * Worker keeps no cache of its own: with `[cache] enabled = true` a hit never runs it, concurrent
 * misses for one URL collapse into one run, and expired entries come back as conditional requests
 * (answered 304 from the object's metadata). See docs/DEPLOY.md, "Caching".
 */

/** Directives that keep a response out of shared caches. */
const UNSHARED = /(^|,)\s*(private|no-store|no-cache)\b/i;

/**
 * The object's own `Cache-Control`, else `DEFAULT_CACHE_CONTROL`; a shareable one gains
 * `stale-while-revalidate` so an expired entry is served at once while the cache revalidates it
 * (the derived ETag changes with the object, so a revalidation after a change renders anew).
 */
export function cacheControlOf(stored: string | undefined, config: Config): string {
  const control = stored?.trim() || config.defaultCacheControl;
  if (
    config.staleWhileRevalidateSeconds <= 0 ||
    UNSHARED.test(control) ||
    /stale-while-revalidate/i.test(control) ||
    !/max-age=\d/i.test(control)
  ) {
    return control;
  }
  return `${control}, stale-while-revalidate=${config.staleWhileRevalidateSeconds}`;
}

/**
 * Purge handles: every derivative of an object (`key:<key>`, purged when the object changes), or
 * everything one renderer version made (`renderer:<n>`).
 */
export const cacheTags = (key: string): string =>
  `key:${encodeURIComponent(key)},renderer:${RENDERER_VERSION}`;

/**
 * Whether a shared cache may keep this answer and replay it to others. Such answers carry nothing
 * specific to one request (no `x-bce-request-id`): a replayed id would name another request.
 */
export function sharedCacheable(response: Response): boolean {
  if (response.status >= 400) return false;
  const control = response.headers.get('Cache-Control');
  return control !== null && !UNSHARED.test(control);
}
