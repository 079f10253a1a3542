const hex = (buffer: ArrayBuffer) =>
  [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Bumped whenever the same command on the same source would produce different bytes (a codec or
 * resampling change), so a deploy never revalidates old bytes as current.
 */
export const RENDERER_VERSION = '5';

/**
 * The processed response's strong validator, known before any decoding: it changes when the
 * original (its ETag), the canonical command or the chosen output format changes (§2.1).
 */
export async function deriveEtag(
  sourceEtag: string,
  canonical: string,
  formatToken: string,
): Promise<string> {
  const text = `${RENDERER_VERSION}\n${sourceEtag}\n${canonical}\n${formatToken}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `"${hex(digest).slice(0, 32)}"`;
}

/** `If-None-Match` semantics (weak comparison, lists, `*`). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === bare);
}
