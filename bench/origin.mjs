#!/usr/bin/env node
// `node bench/origin.mjs`: what the HTTP-origin path costs under the local runtime (workerd via
// Miniflare, as the tests use), against a real origin on loopback (node:http, one ~1.8 MB 12 MP
// JPEG with Content-Length and an ETag). Compares a minimal Worker that only fetches the origin
// (the runtime's own outbound cost) with our Worker reading the same object through ORIGIN_URL and
// from local R2. Writes bench/ORIGIN.md.
//
// Our Worker is the bundle the tests use (test/.tmp/dist, built by test/helpers/global-setup.ts
// with `wrangler deploy --dry-run`); it is built the same way when missing. ORIGIN_BENCH_REBUILD=1
// rebuilds it first; ORIGIN_BENCH_DIST=<dir> measures another bundle (bench/ORIGIN.md left alone).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import * as prettier from 'prettier';
import sharp from 'sharp';
import { descendants, memoryKiB } from './processes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.ORIGIN_BENCH_DIST ?? join(root, 'test', '.tmp', 'dist');
const PHOTO = join(root, 'test', 'fixtures', 'photo', '2569067123_aca715a2ee_o.jpg');
const KEY = 'photo.jpg';
const PROCESS = 'image/resize,w_400/format,f_webp';
const WARMUPS = 3;
const RUNS = 30;
const CONCURRENT = 20;
const SAMPLE_MS = 20;
const started = Date.now();
const log = (...args) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...args);

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
};
const memory = memoryKiB;

// ---------------------------------------------------------------------------------------------
// The Worker bundle and the object

if (process.env.ORIGIN_BENCH_REBUILD === '1' || !existsSync(join(DIST, 'index.js'))) {
  log('bundling the Worker into test/.tmp/dist (wrangler deploy --dry-run)');
  mkdirSync(DIST, { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      DIST,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
}

// The fixtures' largest photo is 0.8 MB at 6 MP: scaled to 12 MP at q93 it is a ~1.8 MB camera-like
// JPEG (deterministic: same sharp, same bytes).
const photo = await sharp(PHOTO)
  .resize(4000, 3000, { fit: 'cover', kernel: 'lanczos3' })
  .jpeg({ quality: 93 })
  .toBuffer();
const etag = `"${createHash('sha256').update(photo).digest('hex').slice(0, 32)}"`;
const modified = new Date('2026-12-01T10:00:00Z').toUTCString();

// ---------------------------------------------------------------------------------------------
// The origin: node:http on loopback, the whole body with Content-Length (as a static file server)

let originHits = 0;
const origin = createServer((request, response) => {
  if (request.url === `/${KEY}`) {
    originHits++;
    response.writeHead(200, {
      'content-type': 'image/jpeg',
      'content-length': photo.length,
      etag,
      'last-modified': modified,
      'cache-control': 'public, max-age=3600',
    });
    response.end(photo);
    return;
  }
  response.writeHead(404, { 'content-length': 0 });
  response.end();
});
await new Promise((done) => origin.listen(0, '127.0.0.1', done));
const originUrl = `http://127.0.0.1:${origin.address().port}`;
// ---------------------------------------------------------------------------------------------
// The Workers under test

/**
 * A: the runtime alone. `?whole` reads the body with `arrayBuffer()`; `?loop` with a default
 * reader into a buffer of the announced size (as src/source/body.ts reads), `?byob` with a BYOB
 * reader into it; `?r2` reads the object from R2 with `arrayBuffer()`. Each answers
 * `<bytes read> <reads>`; without a query the origin's Response is returned as it is (streamed).
 */
const MINIMAL = `
const readers = {
  async whole(body) {
    return [(await new Response(body).arrayBuffer()).byteLength, 1];
  },
  async loop(body, size) {
    const reader = body.getReader();
    const out = new Uint8Array(size);
    let offset = 0;
    let reads = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.set(value, offset);
      offset += value.byteLength;
      reads++;
    }
    return [offset, reads];
  },
  async byob(body, size) {
    const reader = body.getReader({ mode: 'byob' });
    let out = new Uint8Array(size);
    let offset = 0;
    let reads = 0;
    while (offset < size) {
      const { done, value } = await reader.read(out.subarray(offset));
      if (value) out = new Uint8Array(value.buffer);
      if (done) break;
      offset += value.byteLength;
      reads++;
    }
    return [offset, reads];
  },
};
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = url.pathname.slice(1);
    if (url.searchParams.has('r2')) {
      const object = await env.BUCKET.get(key);
      if (!object) return new Response('missing', { status: 404 });
      return new Response((await readers.whole(object.body)).join(' '));
    }
    const response = await fetch(env.ORIGIN_URL + url.pathname);
    const how = ['whole', 'loop', 'byob'].find((name) => url.searchParams.has(name));
    if (!how) return response;
    const size = Number(response.headers.get('content-length'));
    return new Response((await readers[how](response.body, size)).join(' '));
  },
};`;

/** Options as test/helpers/worker.ts starts the bundled Worker. */
const ours = (vars) => ({
  modules: true,
  scriptPath: join(DIST, 'index.js'),
  modulesRoot: DIST,
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
  compatibilityDate: '2026-04-20',
  r2Buckets: ['BUCKET'],
  kvNamespaces: ['CONFIG'],
  bindings: {
    BUCKET_NAME: 'bos-images',
    LOG_REQUESTS: 'false',
    DEFAULT_CACHE_CONTROL: 'public, max-age=86400',
    AUTO_ORIENT: 'true',
    AUTO_AVIF: 'false',
    ORIGIN_TIMEOUT_MS: '60000',
    ...vars,
  },
});
const minimal = {
  modules: true,
  script: MINIMAL,
  compatibilityDate: '2026-04-20',
  r2Buckets: ['BUCKET'],
  bindings: { ORIGIN_URL: originUrl },
};

const webp = `?x-bce-process=${PROCESS}`;
const CASES = [
  {
    id: 'A1',
    title: 'minimal Worker: `fetch(origin)`, its Response returned (streamed)',
    options: minimal,
    path: `/${KEY}`,
    bytes: photo.length,
    origin: true,
  },
  {
    id: 'A2',
    title: 'minimal Worker: `fetch(origin)`, `arrayBuffer()`, length returned',
    options: minimal,
    path: `/${KEY}?whole`,
    origin: true,
  },
  {
    id: 'A3',
    title:
      'minimal Worker: `fetch(origin)`, default-reader loop into a sized buffer, as src/source/body.ts',
    options: minimal,
    path: `/${KEY}?loop`,
    origin: true,
    reads: true,
  },
  {
    id: 'A4',
    title: 'minimal Worker: `fetch(origin)`, BYOB reads into a sized buffer',
    options: minimal,
    path: `/${KEY}?byob`,
    origin: true,
    reads: true,
  },
  {
    id: 'A5',
    title: 'minimal Worker: R2 `get()`, `arrayBuffer()`, length returned',
    options: minimal,
    path: `/${KEY}?r2`,
    seed: true,
  },
  {
    id: 'B1',
    title: 'ours, plain GET through ORIGIN_URL (R2 empty)',
    options: ours({ ORIGIN_URL: originUrl }),
    path: `/${KEY}`,
    bytes: photo.length,
    origin: true,
  },
  {
    id: 'B2',
    title: 'ours, processed through ORIGIN_URL (R2 empty)',
    options: ours({ ORIGIN_URL: originUrl }),
    path: `/${KEY}${webp}`,
    origin: true,
  },
  {
    id: 'C1',
    title: 'ours, plain GET from local R2',
    options: ours({}),
    path: `/${KEY}`,
    bytes: photo.length,
    seed: true,
  },
  {
    id: 'C2',
    title: 'ours, processed from local R2',
    options: ours({}),
    path: `/${KEY}${webp}`,
    seed: true,
  },
];
// `ORIGIN_BENCH_ONLY=A1,B1 node bench/origin.mjs`: only those cases, bench/ORIGIN.md left alone.
const only = process.env.ORIGIN_BENCH_ONLY?.split(',').map((id) => id.trim());
const selected = CASES.filter((c) => !only || only.includes(c.id));

/** A fresh Miniflare (its own workerd process), the object seeded when the case reads R2. */
async function startInstance(spec) {
  const before = new Set(descendants(process.pid).map((p) => p.pid));
  const mf = new Miniflare(spec.options);
  const base = (await mf.ready).toString().replace(/\/$/, '');
  if (spec.seed) {
    const bucket = await mf.getR2Bucket('BUCKET');
    // A plain ArrayBuffer crosses Miniflare's proxy; Node Buffers (pooled views) do not.
    await bucket.put(KEY, new Uint8Array(photo).buffer, {
      httpMetadata: { contentType: 'image/jpeg' },
    });
  }
  const workerd = descendants(process.pid).filter(
    (p) => p.comm === 'workerd' && !before.has(p.pid),
  );
  if (workerd.length !== 1) throw new Error(`expected one new workerd, found ${workerd.length}`);
  // Wakes the isolate (ours: the router, an R2 miss, an origin 404) without reading the object:
  // the idle baseline.
  await fetch(`${base}/__idle__`).then((r) => r.arrayBuffer());
  return { mf, base, pid: workerd[0].pid };
}

/** One request, its whole response read. */
async function get(spec, base) {
  const begin = performance.now();
  const response = await fetch(base + spec.path, {
    headers: { accept: 'image/webp,*/*' },
    signal: AbortSignal.timeout(120_000),
  });
  const body = await response.arrayBuffer();
  const ms = performance.now() - begin;
  if (response.status !== 200) {
    return { ms, status: response.status, timing: null };
  }
  if (spec.bytes !== undefined && body.byteLength !== spec.bytes) {
    throw new Error(`${spec.id}: ${body.byteLength} bytes, expected ${spec.bytes}`);
  }
  let reads;
  if (spec.options === minimal && spec.path.includes('?')) {
    // The minimal Worker answers `<bytes read> <reads>`.
    const [length, count] = new TextDecoder().decode(body).split(' ').map(Number);
    if (length !== photo.length) throw new Error(`${spec.id}: read ${length} bytes`);
    reads = count;
  }
  return { ms, status: response.status, timing: response.headers.get('server-timing'), reads };
}

/**
 * Sequential requests on one live instance per case, taken in turns (A1, A2, … C2, A1, …) so
 * that load from elsewhere on the machine falls on every case alike.
 */
async function measureSequential(specs) {
  const live = [];
  try {
    for (const spec of specs) {
      live.push({ spec, ...(await startInstance(spec)), times: [], stages: {}, origin: 0 });
    }
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      for (const entry of live) {
        const hits = originHits;
        const result = await get(entry.spec, entry.base);
        if (result.status !== 200) throw new Error(`${entry.spec.id}: status ${result.status}`);
        entry.origin += originHits - hits;
        entry.reads = result.reads;
        if (i < WARMUPS) continue;
        entry.times.push(result.ms);
        for (const part of (result.timing ?? '').split(',')) {
          const stage = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
          if (stage) (entry.stages[stage[1]] ??= []).push(Number(stage[2]));
        }
      }
    }
    return new Map(
      live.map((entry) => [
        entry.spec.id,
        {
          median: quantile(entry.times, 0.5),
          p90: quantile(entry.times, 0.9),
          originPerRequest: entry.origin / (WARMUPS + RUNS),
          reads: entry.reads,
          // Server-Timing durations are whole milliseconds locally: means, not medians.
          stages: Object.fromEntries(
            Object.entries(entry.stages).map(([name, values]) => [
              name,
              values.reduce((sum, value) => sum + value, 0) / values.length,
            ]),
          ),
        },
      ]),
    );
  } finally {
    for (const entry of live) await entry.mf.dispose();
  }
}

/** `CONCURRENT` requests at once on a fresh instance: workerd's memory growth over its idle state. */
async function measureConcurrent(spec) {
  const instance = await startInstance(spec);
  try {
    const idle = memory(instance.pid);
    let peakRss = idle.rss;
    let samples = 0;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, memory(instance.pid).rss);
        samples++;
      } catch {
        /* gone */
      }
    }, SAMPLE_MS);
    const hits = originHits;
    const statuses = {};
    const begin = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const result = await get(spec, instance.base);
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      }),
    );
    const wall = performance.now() - begin;
    clearInterval(sampler);
    const after = memory(instance.pid);
    peakRss = Math.max(peakRss, after.rss);
    return {
      wall,
      statuses,
      samples,
      originHits: originHits - hits,
      rssGrowthMiB: (peakRss - idle.rss) / 1024,
      hwmGrowthMiB: (after.hwm - idle.hwm) / 1024,
    };
  } finally {
    await instance.mf.dispose();
  }
}

/** Node's own fetch of the origin, no workerd: the floor of every origin row. */
async function measureDirect() {
  const times = [];
  const spec = { id: 'direct', path: `/${KEY}`, bytes: photo.length, options: {} };
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    const result = await get(spec, originUrl);
    if (i >= WARMUPS) times.push(result.ms);
  }
  return { median: quantile(times, 0.5), p90: quantile(times, 0.9) };
}

// ---------------------------------------------------------------------------------------------
// Run

const loadBefore = os.loadavg();
log(`origin ${originUrl}/${KEY}: ${(photo.length / 1e6).toFixed(2)} MB, 4000×3000 JPEG`);
const direct = await measureDirect();
log(`direct: median ${direct.median.toFixed(1)} ms`);
log(`${selected.length} cases, ${RUNS} requests each in turns after ${WARMUPS} warm-ups`);
const sequential = await measureSequential(selected);
const results = [];
for (const spec of selected) {
  const s = sequential.get(spec.id);
  if (spec.origin && s.originPerRequest !== 1) {
    log(`  ${spec.id}: ${s.originPerRequest.toFixed(2)} origin GETs per request`);
  }
  const concurrent = await measureConcurrent(spec);
  results.push({ spec, sequential: s, concurrent });
  log(
    `${spec.id}: median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms` +
      (spec.reads ? ` (${s.reads} reads)` : '') +
      `; ${CONCURRENT} at once ${JSON.stringify(concurrent.statuses)} in ${concurrent.wall.toFixed(0)} ms, ` +
      `RSS +${concurrent.rssGrowthMiB.toFixed(0)} MiB (VmHWM +${concurrent.hwmGrowthMiB.toFixed(0)} MiB, ` +
      `${concurrent.samples} samples), ${concurrent.originHits} origin GETs`,
  );
}
origin.close();
const loadAfter = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Report

const version = (pkg) =>
  JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const f = (value) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(1));
const signed = (value) => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(1)} ms`;
const table = [
  `| # | Case | median | p90 | ${CONCURRENT} at once: statuses, wall | origin GETs for ${CONCURRENT} | RSS growth (sampled peak) | VmHWM growth |`,
  '|---|---|---|---|---|---|---|---|',
  `| – | Node \`fetch\` of the origin directly, no workerd | ${f(direct.median)} ms | ${f(direct.p90)} ms | | | | |`,
  ...results.map(({ spec, sequential: s, concurrent: c }) => {
    const statuses = Object.entries(c.statuses)
      .map(([status, count]) => `${count}× ${status}`)
      .join(', ');
    const reads = spec.reads ? ` (${s.reads} ${s.reads === 1 ? 'read' : 'reads'})` : '';
    return `| ${spec.id} | ${spec.title}${reads} | ${f(s.median)} ms | ${f(s.p90)} ms | ${statuses}, ${c.wall.toFixed(0)} ms | ${spec.origin ? c.originHits : '–'} | +${c.rssGrowthMiB.toFixed(0)} MiB | +${c.hwmGrowthMiB.toFixed(0)} MiB |`;
  }),
].join('\n');

const row = Object.fromEntries(results.map((r) => [r.spec.id, r]));
const med = (id) => row[id].sequential.median;
const grow = (id) => row[id].concurrent.hwmGrowthMiB.toFixed(0);
const stage = (id, name) => row[id].sequential.stages[name];
const stageList = (id) =>
  Object.entries(row[id].sequential.stages)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
    .join(', ');
const complete = CASES.every((c) => row[c.id]);
/** The runtime's outbound path slow or heavy, as RUNTIME-NOTES.md found it under wrangler dev. */
const runtimeSlow =
  complete && (med('A1') > 3 * direct.median + 5 || row.A1.concurrent.hwmGrowthMiB > 100);
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const reading = complete
  ? [
      `**The runtime's share.** The minimal Worker streams the ${(photo.length / 1e6).toFixed(1)} MB origin answer through in ${f(med('A1'))} ms (Node alone fetching it: ${f(direct.median)} ms) and reads it whole in ${f(med('A2'))} ms, against ${f(med('A5'))} ms for reading the same object from local R2 (A2 − A5: ${signed(med('A2') - med('A5'))}). ${
        runtimeSlow
          ? `workerd's outbound fetch is the slow, memory-hungry path RUNTIME-NOTES.md measured under \`wrangler dev\``
          : `So workerd's outbound fetch itself costs little: under Miniflare the origin path is not the slow, memory-hungry path RUNTIME-NOTES.md measured under \`wrangler dev\``
      } (20 at once: +${grow('A1')} MiB streamed, +${grow('A2')} MiB read whole, where 20 bodies are ${mib(20 * photo.length)} MiB).`,
      `**Ours.** A plain GET through ORIGIN_URL (B1, ${f(med('B1'))} ms) against the minimal streaming Worker (A1): ${signed(med('B1') - med('A1'))} for routing, an R2 \`head()\` miss and header copies; it streams too (+${grow('B1')} MiB for 20 at once; from R2, C1: +${grow('C1')} MiB). Processed, the origin against R2: ${signed(med('B2') - med('C2'))} in medians (B2 − C2; a processed request's median moves by several ms from run to run here), ${signed(stage('B2', 'fetch') + stage('B2', 'read') - stage('C2', 'fetch') - stage('C2', 'read'))} in the Server-Timing stages that get the bytes (fetch + read: B2 ${f(stage('B2', 'fetch') + stage('B2', 'read'))} ms, C2 ${f(stage('C2', 'fetch') + stage('C2', 'read'))} ms; means of B2: ${stageList('B2')}; C2: ${stageList('C2')}).`,
      `What is ours on both paths, beyond decoding and encoding, is reading the body: src/source/body.ts pulls it with a default reader, which workerd feeds in ${(photo.length / row.A3.sequential.reads / 1024).toFixed(0)} KiB chunks, one await each (A3: ${row.A3.sequential.reads} reads, ${f(med('A3'))} ms), where BYOB reads into the same sized buffer take ${row.A4.sequential.reads} ${row.A4.sequential.reads === 1 ? 'read' : 'reads'} and ${f(med('A4'))} ms (A4): ${f(med('A3') - med('A4'))} ms per ${(photo.length / 1e6).toFixed(1)} MB, most of the \`read\` stage above (B2 ${f(stage('B2', 'read'))} ms, C2 ${f(stage('C2', 'read'))} ms, which also probes the whole file).${med('A3') - med('A4') > 2 ? ' Reading byte streams with a BYOB reader in src/source/body.ts would remove most of it.' : ''}`,
      `Memory for 20 processed at once: B2 +${grow('B2')} MiB, C2 +${grow('C2')} MiB; ${row.B2.concurrent.originHits} origin GETs for 20${row.B2.concurrent.originHits > CONCURRENT ? ' (requests that waited for memory let their body go and fetched it again)' : ''}.`,
    ].join(' ')
  : '';

const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
const free = spawnSync('free', ['-m'], { encoding: 'utf8' }).stdout.trimEnd();
const load = (values) => values.map((v) => v.toFixed(2)).join(' ');
const report = [
  '# The origin path, measured',
  '',
  `Produced by \`node bench/origin.mjs\` on ${new Date().toISOString().slice(0, 10)} in ${Math.round((Date.now() - started) / 1000)} s. Node ${process.version}, miniflare ${version('miniflare')}, workerd ${version('workerd')}, ${os.cpus()[0]?.model ?? 'unknown CPU'}. Load average ${load(loadBefore)} before, ${load(loadAfter)} after.`,
  '',
  `Machine: \`nproc\` = ${nproc}; \`free -m\`:`,
  '',
  '```',
  free,
  '```',
  '',
  `The object: \`test/fixtures/photo/2569067123_aca715a2ee_o.jpg\` (6 MP, 0.8 MB) scaled to 4000×3000, JPEG q93: ${photo.length} bytes, served by \`node:http\` on 127.0.0.1 with Content-Length, ETag, Last-Modified and Cache-Control. Every case runs in workerd started by Miniflare, as the tests do (our Worker: the bundle in \`test/.tmp/dist\`, R2 in memory), requested over loopback HTTP by Node's \`fetch\`, the whole response read. Times: median and p90 of ${RUNS} sequential requests per case after ${WARMUPS} warm-ups, the cases taken in turns on live instances so that load from elsewhere falls on all alike. Memory: a fresh instance per case, woken by one request that reads no object, then ${CONCURRENT} requests at once; growth of workerd's VmRSS (sampled every ${SAMPLE_MS} ms) and of its VmHWM over the woken values. Processed: \`?x-bce-process=${PROCESS}\` (a 400×300 WebP).`,
  '',
  table,
  '',
  '## Reading',
  '',
  reading,
  '',
].join('\n');
console.log('\n' + table + '\n\n' + reading);
if (complete && !process.env.ORIGIN_BENCH_DIST) {
  // Formatted as `prettier --check .` expects (the file is not in .prettierignore).
  const file = join(root, 'bench', 'ORIGIN.md');
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(report, { ...options, filepath: file }));
  log('wrote bench/ORIGIN.md');
}
