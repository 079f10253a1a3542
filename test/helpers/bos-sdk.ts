import { createRequire } from 'node:module';

/**
 * The BOS JavaScript SDK (@baiducloud/sdk), the real client whose requests the Worker must
 * accept. Its own typings are not wired into its package, so the parts the tests use are typed
 * here.
 */
interface BosClientConfig {
  endpoint: string;
  credentials: { ak: string; sk: string };
  cname_enabled?: boolean;
  removeVersionPrefix?: boolean;
}
interface BosResponse {
  http_headers: Record<string, string>;
  body: unknown;
}
export interface BosClient {
  generatePresignedUrl(
    bucket: string,
    key: string,
    timestamp?: number | null,
    expirationInSeconds?: number | null,
    headers?: Record<string, string> | null,
    params?: Record<string, string> | null,
  ): string;
  getObject(bucket: string, key: string): Promise<BosResponse>;
  sendRequest(
    method: string,
    args: { bucketName: string; params?: Record<string, string>; body?: string },
  ): Promise<BosResponse>;
}
interface Auth {
  generateAuthorization(
    method: string,
    resource: string,
    params: Record<string, string>,
    headers: Record<string, string>,
    timestamp?: number,
    expirationInSeconds?: number,
  ): string;
}

const sdk = createRequire(import.meta.url)('@baiducloud/sdk') as {
  BosClient: new (config: BosClientConfig) => BosClient;
  Auth: new (ak: string, sk: string) => Auth;
};

export const bosClient = (config: BosClientConfig): BosClient => new sdk.BosClient(config);
export const bosAuth = (ak: string, sk: string): Auth => new sdk.Auth(ak, sk);
