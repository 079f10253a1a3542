import type { Config } from '../config';
import { BosError } from '../errors';
import { canonicalRequest, parseCredential, type Credential } from '../request/credential';
import type { RequestTarget } from '../request/query';

const encoder = new TextEncoder();

export const hmacKey = (key: string) =>
  crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);

/** The secrets' HMAC keys, imported once per isolate (a handful of configured keys). */
const secretKeys = new Map<string, Promise<CryptoKey>>();

export async function hmacHex(key: CryptoKey | Promise<CryptoKey>, data: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(data)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time that depends only on their length (a mismatch leaks nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The credential of a request, from the `Authorization` header or the `authorization` query. */
export function credentialOf(request: Request, target: RequestTarget): string | undefined {
  return request.headers.get('authorization') ?? target.query.get('authorization');
}

/** Who signed the request, and how (a header credential is not part of the URL). */
export interface Signer {
  accessKeyId: string;
  inHeader: boolean;
}

/**
 * Verifies a bce-auth-v1 credential (PROTOCOL.md §5.3): expired → 403 RequestExpired; malformed,
 * unknown key or a signature that differs → 403 SignatureDoesNotMatch. Undefined when the request
 * carries no credential. Nothing here reads storage.
 */
export async function verifySignature(
  request: Request,
  target: RequestTarget,
  config: Config,
  now = Date.now(),
): Promise<Signer | undefined> {
  const text = credentialOf(request, target);
  if (text === undefined) return undefined;
  const credential: Credential = parseCredential(text);
  if (now > credential.signedAt + credential.expiresInSeconds * 1000) {
    throw new BosError('RequestExpired');
  }
  const secret = config.accessKeys.get(credential.accessKeyId);
  if (secret === undefined) throw new BosError('SignatureDoesNotMatch');
  const prefix = `bce-auth-v1/${credential.accessKeyId}/${credential.timestamp}/${credential.expiresInSeconds}`;
  let secretKey = secretKeys.get(secret);
  if (!secretKey) secretKeys.set(secret, (secretKey = hmacKey(secret)));
  const signingKey = await hmacHex(secretKey, prefix);
  const expected = await hmacHex(
    hmacKey(signingKey),
    canonicalRequest(
      request.method,
      target.decodedPath,
      target.query.params,
      request.headers,
      credential.signedHeaders,
    ),
  );
  if (!constantTimeEqual(expected, credential.signature)) {
    throw new BosError('SignatureDoesNotMatch');
  }
  return {
    accessKeyId: credential.accessKeyId,
    inHeader: request.headers.has('authorization'),
  };
}
