import { BosError } from '../errors';

/** What the query string asks for (PROTOCOL.md §1.1). */
export type ProcessRequest =
  { kind: 'plain' } | { kind: 'info' } | { kind: 'command'; value: string };

const decodeOnce = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BosError('InvalidArgument', `The query string is not valid percent-encoding.`);
  }
};

/**
 * Splits the raw query by hand (§1.2 rule 1): URLSearchParams would turn `+` into a space, and
 * `+` is meaningful inside url-safe base64 values.
 */
export function readProcessRequest(rawSearch: string): ProcessRequest {
  const query = rawSearch.startsWith('?') ? rawSearch.slice(1) : rawSearch;
  let process: string | undefined;
  let exif = false;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeOnce(eq < 0 ? pair : pair.slice(0, eq));
    if (name === 'x-bce-process') {
      if (process !== undefined) {
        throw new BosError('InvalidArgument', 'x-bce-process is given more than once.');
      }
      process = eq < 0 ? '' : decodeOnce(pair.slice(eq + 1));
    } else if (name === 'exif') {
      exif = true;
    }
  }
  if (process !== undefined && exif) {
    throw new BosError('InvalidArgument', 'exif cannot be combined with x-bce-process.');
  }
  if (exif) return { kind: 'info' };
  if (process === undefined) return { kind: 'plain' };
  return { kind: 'command', value: process };
}

/** The object key: the path without its leading `/`, percent-decoded once (§1.1). */
export function readObjectKey(pathname: string): string {
  const key = decodeOnce(pathname.replace(/^\/+/, ''));
  if (key === '') throw new BosError('NoSuchKey');
  return key;
}
