import { canonicalRequest } from '../request/credential';
import type { Query } from '../request/query';
import { hmacHex, hmacKey } from './signature';

/** What a presigned GET is computed over: the same parts `verifySignature` reads back. */
export interface PresignTarget {
  /** The path percent-decoded once (V1 `@…` included). */
  decodedPath: string;
  /** Every query parameter; an `authorization` among them is left out of the signature. */
  query: Query;
  /** The `Host` the URL will be requested with: the one signed header, as the BOS SDK signs. */
  host: string;
}

/** `2026-12-02T03:04:05Z`: seconds, no fraction (PROTOCOL.md §5.3). */
const timestampOf = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The bce-auth-v1 credential of a GET of `target`, valid `expiresInSeconds` from `now`
 * (PROTOCOL.md §5.3), for the `authorization` query parameter. The secret stays here: only the
 * credential, which the URL carries anyway, leaves.
 */
export async function presignCredential(
  target: PresignTarget,
  key: { accessKeyId: string; secret: string },
  expiresInSeconds: number,
  now = Date.now(),
): Promise<string> {
  const prefix = `bce-auth-v1/${key.accessKeyId}/${timestampOf(now)}/${expiresInSeconds}`;
  const signingKey = await hmacHex(hmacKey(key.secret), prefix);
  const canonical = canonicalRequest(
    'GET',
    target.decodedPath,
    target.query.params,
    new Headers({ host: target.host }),
    ['host'],
  );
  const signature = await hmacHex(hmacKey(signingKey), canonical);
  return `${prefix}/host/${signature}`;
}
