import { forgetProtectionRules, parseRules, PROTECTION_KEY } from '../access/protection';
import type { Signer } from '../access/signature';
import type { Config } from '../config';
import { BosError } from '../errors';

/** A PUT body larger than this is not a list of patterns. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The management API of PROTOCOL.md §5.2 (`PUT/GET/DELETE /?copyrightProtection`): signed by the
 * configured admin key, else 403. Rules live in KV; this isolate forgets its copy at once, the
 * others within the documented time.
 */
export async function serveProtectionApi(
  request: Request,
  kv: KVNamespace,
  config: Config,
  signer: Signer | undefined,
): Promise<Response> {
  if (!signer || !config.adminAccessKey || signer.accessKeyId !== config.adminAccessKey) {
    throw new BosError('AccessDenied', 'The protection API needs the admin key’s signature.');
  }
  switch (request.method) {
    case 'PUT': {
      const body = await request.text();
      if (body.length > MAX_BODY_BYTES)
        throw new BosError('InvalidArgument', 'The body is too large.');
      const rules = parseRules(body, config.bucketName);
      await kv.put(PROTECTION_KEY, JSON.stringify(rules));
      forgetProtectionRules();
      return new Response(null, { status: 200 });
    }
    case 'GET':
    case 'HEAD': {
      const stored = await kv.get(PROTECTION_KEY);
      if (stored === null) return new Response(null, { status: 404 });
      return new Response(stored, {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    }
    case 'DELETE':
      await kv.delete(PROTECTION_KEY);
      forgetProtectionRules();
      return new Response(null, { status: 204 });
    default:
      throw new BosError('MethodNotAllowed', `Method ${request.method} is not allowed.`);
  }
}
