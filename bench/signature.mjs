#!/usr/bin/env node
// `npm run bench:signature`: what checking a bce-auth-v1 signature costs a request. Credentials
// are made by the BOS SDK (a presigned URL with a command, and an API call's header signature);
// the Worker's own code (bundled as the Worker bundles it) parses the URL and verifies them.
// Reports the median and 99th percentile of single verifications after a warm-up.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work');
mkdirSync(work, { recursive: true });
const outfile = join(work, 'signature.mjs');
await build({
  entryPoints: [join(root, 'bench', 'signature-entry.ts')],
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  outfile,
  logLevel: 'error',
});
const { verifySignature, readConfig, readTarget } = await import(pathToFileURL(outfile).href);
const { BosClient, Auth } = createRequire(import.meta.url)('@baiducloud/sdk');

const config = readConfig({ ACCESS_KEYS: JSON.stringify({ bench: 'bench-secret' }) });
const endpoint = 'http://img.example.com';
const client = new BosClient({ endpoint, credentials: { ak: 'bench', sk: 'bench-secret' } });
const presigned = client.generatePresignedUrl(
  'bos-images',
  'photos/2026/cat (1).jpg',
  null,
  3600,
  null,
  {
    'x-bce-process': 'image/resize,m_fill,w_300,h_200/format,f_webp',
  },
);
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const headers = {
  host: 'img.example.com',
  'x-bce-date': date,
  'content-type': 'application/json; charset=UTF-8',
};
const header = new Auth('bench', 'bench-secret').generateAuthorization(
  'GET',
  '/bos-images/photos/cat.jpg',
  {},
  headers,
);
const cases = [
  [
    'presigned URL with x-bce-process',
    // Node's Request leaves Host to the socket; a Worker's request always has it.
    () => new Request(presigned, { headers: { host: 'img.example.com' } }),
  ],
  [
    'Authorization header (SDK API call)',
    () =>
      new Request(`${endpoint}/bos-images/photos/cat.jpg`, {
        headers: { ...headers, authorization: header },
      }),
  ],
];

const RUNS = 2000;
for (const [label, makeRequest] of cases) {
  const times = [];
  for (let i = 0; i < RUNS + 200; i++) {
    const request = makeRequest();
    const started = performance.now();
    const target = readTarget(new URL(request.url), config.bucketName);
    const signer = await verifySignature(request, target, config);
    const elapsed = performance.now() - started;
    if (!signer) throw new Error('not verified');
    if (i >= 200) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.floor(q * (times.length - 1))].toFixed(3);
  console.log(`${label}: median ${at(0.5)} ms, p99 ${at(0.99)} ms over ${RUNS} verifications`);
}
