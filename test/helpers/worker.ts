import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import fonts from '../../fonts/manifest.json';

const BUILD_DIR = fileURLToPath(new URL('../.tmp/dist', import.meta.url));

export interface TestWorker {
  mf: Miniflare;
  /** Where workerd listens on loopback, for real HTTP clients (the BOS SDK). */
  url: URL;
  /** The `CONFIG` KV namespace (styles, protection rules). */
  kv: KVNamespace;
  /** Requests `path` (with query) from the Worker in workerd. */
  get(
    path: string,
    init?: { headers?: Record<string, string>; method?: string },
  ): Promise<TestResponse>;
  /** Requests `key` with `?x-bce-process=command`. */
  process(key: string, command: string, headers?: Record<string, string>): Promise<TestResponse>;
  /** Requests a command expected to fail: its status and BOS error code, as `400 InvalidArgument`. */
  errorCode(key: string, command: string): Promise<string>;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Puts the watermark fonts (fonts/dist, the repository's own) where the Worker reads them. */
  putFonts(): Promise<void>;
  /** Lines the Worker wrote to stdout (its request log), when started with LOG_REQUESTS on. */
  logs: string[];
  dispose(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  json(): { code: string; message: string; requestId: string };
}

/** The bundled Worker in a real workerd, with a real (in-memory) local R2 bucket and Cache API. */
export async function startWorker(vars: Record<string, string> = {}): Promise<TestWorker> {
  const logs: string[] = [];
  const mf = new Miniflare({
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      let pending = '';
      stdout.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        logs.push(...lines);
      });
      stderr.pipe(process.stderr);
    },
    modules: true,
    scriptPath: resolve(BUILD_DIR, 'index.js'),
    modulesRoot: BUILD_DIR,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-20',
    r2Buckets: ['BUCKET'],
    kvNamespaces: ['CONFIG'],
    bindings: {
      BUCKET_NAME: 'bos-images',
      // The per-request log line is tested where it matters; elsewhere it would bury the output.
      LOG_REQUESTS: 'false',
      DEFAULT_CACHE_CONTROL: 'public, max-age=86400',
      AUTO_ORIENT: 'true',
      AUTO_AVIF: 'false',
      ORIGIN_TIMEOUT_MS: '2000',
      ...vars,
    },
  });
  const url = await mf.ready;
  const bucket = await mf.getR2Bucket('BUCKET');
  const kv = (await mf.getKVNamespace('CONFIG')) as unknown as KVNamespace;
  const worker: TestWorker = {
    mf,
    url,
    kv,
    async get(path, init = {}) {
      const response = await mf.dispatchFetch(`http://images.test${path}`, {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
      });
      const body = Buffer.from(await response.arrayBuffer());
      return {
        status: response.status,
        headers: response.headers as unknown as Headers,
        body,
        json: () => JSON.parse(body.toString('utf8')) as ReturnType<TestResponse['json']>,
      };
    },
    process: (key, command, headers) =>
      worker.get(`/${key}?x-bce-process=${command}`, headers ? { headers } : {}),
    async errorCode(key, command) {
      const response = await worker.process(key, command);
      return `${response.status} ${response.json().code}`;
    },
    async put(key, body, contentType) {
      // A plain ArrayBuffer crosses Miniflare's proxy; Node Buffers (pooled views) do not.
      const bytes =
        typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
      await bucket.put(
        key,
        bytes.buffer as ArrayBuffer,
        contentType ? { httpMetadata: { contentType } } : {},
      );
    },
    delete: (key) => bucket.delete(key),
    async putFonts() {
      for (const face of ['serif', 'sans', 'kai', 'mono']) {
        const font = readFileSync(
          fileURLToPath(new URL(`../../fonts/dist/${face}.otf`, import.meta.url)),
        );
        await worker.put(`fonts/${fonts.version}/${face}.otf`, font);
      }
    },
    logs,
    dispose: () => mf.dispose(),
  };
  return worker;
}
