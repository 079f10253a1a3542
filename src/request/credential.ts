import { BosError } from '../errors';

/**
 * The BOS credential `bce-auth-v1/{accessKeyId}/{timestamp}/{expirationPeriodInSeconds}/
 * {signedHeaders}/{signature}` (PROTOCOL.md §5.3) and the canonical request it signs. Pure text:
 * the HMACs are computed by access/signature.ts.
 */
export interface Credential {
  accessKeyId: string;
  /** As written (`2026-12-02T03:04:05Z`): it is part of the signed prefix. */
  timestamp: string;
  /** Milliseconds since the epoch. */
  signedAt: number;
  expiresInSeconds: number;
  /** Lower-case names; empty means BOS's default set. */
  signedHeaders: string[];
  signature: string;
}

const mismatch = (why: string) => new BosError('SignatureDoesNotMatch', why);

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export function parseCredential(text: string): Credential {
  const parts = text.trim().split('/');
  if (parts.length !== 6 || parts[0] !== 'bce-auth-v1') {
    throw mismatch('The authorization is not a bce-auth-v1 credential.');
  }
  const [, accessKeyId = '', timestamp = '', expires = '', headers = '', signature = ''] = parts;
  const time = TIMESTAMP.exec(timestamp);
  const signedAt = time ? Date.parse(timestamp) : NaN;
  const expiresInSeconds = /^\d{1,10}$/.test(expires) ? Number(expires) : NaN;
  if (!accessKeyId || Number.isNaN(signedAt) || Number.isNaN(expiresInSeconds)) {
    throw mismatch('The authorization is malformed.');
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) throw mismatch('The signature is malformed.');
  return {
    accessKeyId,
    timestamp,
    signedAt,
    expiresInSeconds,
    signedHeaders:
      headers === '' ? [] : headers.split(';').map((name) => name.trim().toLowerCase()),
    signature,
  };
}

/** BOS's `enc`: keeps `A–Z a–z 0–9 - . _ ~`, writes every other byte as upper-case `%XX`. */
export const bceEncode = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** The decoded path, each segment encoded, `/` kept (V1 `@…` included). */
export const canonicalUri = (decodedPath: string): string =>
  decodedPath.split('/').map(bceEncode).join('/');

/** Every query parameter but `authorization`, `enc(k)=enc(v)` (`k=` if valueless), sorted. */
export function canonicalQuery(
  params: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  return params
    .filter(([name]) => name.toLowerCase() !== 'authorization')
    .map(([name, value]) => `${bceEncode(name)}=${bceEncode(value ?? '')}`)
    .sort()
    .join('&');
}

/** What BOS signs when the credential names no headers. */
const DEFAULT_SIGNED = ['host', 'content-length', 'content-type', 'content-md5'];

/**
 * `enc(name):enc(trimmed value)` per signed header present, sorted, joined by `\n`. A named header
 * the request lacks makes the signature fail: it cannot be what the client signed.
 */
export function canonicalHeaders(headers: Headers, signed: readonly string[]): string {
  const names =
    signed.length > 0
      ? signed
      : [...headers.keys()].filter(
          (name) => DEFAULT_SIGNED.includes(name) || name.startsWith('x-bce-'),
        );
  return names
    .map((name) => {
      const value = headers.get(name);
      if (value === null) throw mismatch(`The signed header ${name} is missing.`);
      return `${bceEncode(name)}:${bceEncode(value.trim())}`;
    })
    .sort()
    .join('\n');
}

/** `METHOD\ncanonicalURI\ncanonicalQuery\ncanonicalHeaders` (PROTOCOL.md §5.3). */
export const canonicalRequest = (
  method: string,
  decodedPath: string,
  params: ReadonlyArray<readonly [string, string | undefined]>,
  headers: Headers,
  signed: readonly string[],
): string =>
  [
    method,
    canonicalUri(decodedPath),
    canonicalQuery(params),
    canonicalHeaders(headers, signed),
  ].join('\n');
