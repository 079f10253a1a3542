import { BosError } from '../errors';

/**
 * The one place an error becomes a response: BOS JSON for known errors, a logged InternalError
 * for anything else (§2.2), with `Retry-After` on a 503. HEAD gets status and headers only.
 */
export function errorResponse(error: unknown, requestId: string, head: boolean): Response {
  const known = error instanceof BosError ? error : new BosError('InternalError');
  if (!(error instanceof BosError)) console.error('unexpected error', requestId, error);
  const body = JSON.stringify({ code: known.code, message: known.message, requestId });
  return new Response(head ? null : body, {
    status: known.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'x-bce-request-id': requestId,
      // A 503 is a momentary shortage (PROTOCOL.md §2.2): the same request may succeed at once.
      ...(known.status === 503 ? { 'Retry-After': '1' } : {}),
      ...(head ? { 'Content-Length': String(new TextEncoder().encode(body).length) } : {}),
    },
  });
}
