#!/usr/bin/env node
// `npm run bench`: the service as it runs (the deploy bundle in workerd, over loopback HTTP), the
// same pipeline in plain Node, and sharp doing the equivalent work, on the same generated inputs.
// Writes bench/RESULTS.md. Everything it creates lives in bench/.work/ (git-ignored).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import { SCENARIOS, makeInputs, makeObjects, sizedJpeg } from './scenarios.mjs';
import { descendants, memoryKiB } from './processes.mjs';
import { freePort, largestWasmBytes, watchIsolateHeap } from './isolate-memory.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work');
const state = join(work, 'state');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const WARM_RUNS = 11;
/** Requests right after the cold one: a fresh isolate's first ones, timed apart from the warm. */
const FIRST_RUNS = 10;
/** Untimed requests between the first ones and the warm ones, for V8 to optimise the hot wasm. */
const SETTLE_RUNS = 10;
const ISOLATE_MIB = 128;
const started = Date.now();
const log = (...args) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...args);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const mib = (bytes) => bytes / 1024 / 1024;
const ms = (value) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);

// ---------------------------------------------------------------------------------------------
// Inputs and the Node build of the pipeline

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
log('generating inputs from test/fixtures/photo');
const inputs = await makeInputs();
const objects = await makeObjects();
mkdirSync(join(work, 'objects'), { recursive: true });
for (const [key, bytes] of Object.entries(objects)) {
  mkdirSync(dirname(join(work, 'objects', key)), { recursive: true });
  writeFileSync(join(work, 'objects', key), bytes);
}

log('bundling the pipeline for Node');
await build({
  entryPoints: [join(root, 'bench', 'pipeline-entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(work, 'pipeline.mjs'),
  logLevel: 'error',
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  plugins: [
    {
      // The same thing Wrangler does for `.wasm` imports: a compiled WebAssembly.Module.
      name: 'compiled-wasm',
      setup(context) {
        context.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
          const file = args.path.replace(/\?module$/, '');
          const base = file.startsWith('.') ? args.resolveDir : join(root, 'node_modules');
          return { path: join(base, file), namespace: 'wasm' };
        });
        context.onLoad({ filter: /.*/, namespace: 'wasm' }, (args) => ({
          contents: `import { readFileSync } from 'node:fs'; export default new WebAssembly.Module(readFileSync(${JSON.stringify(args.path)}));`,
          loader: 'js',
          resolveDir: root,
        }));
      },
    },
  ],
});

// The bundle `wrangler deploy` uploads: what workerd runs below, and what the bundle section sizes.
log('bundle (wrangler deploy --dry-run)');
const dry = spawnSync(
  process.execPath,
  [wrangler, 'deploy', '--dry-run', '--outdir', join(work, 'dist')],
  {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  },
);
if (dry.status !== 0)
  throw new Error(`wrangler deploy --dry-run failed:\n${dry.stdout}${dry.stderr}`);
const compatibilityDate = /compatibility_date = "([^"]+)"/.exec(
  readFileSync(join(root, 'wrangler.toml'), 'utf8'),
)?.[1];

// ---------------------------------------------------------------------------------------------
// Seeding: Miniflare writes the local R2 state the measured workerd reads (wrangler's layout).

async function seed(objects) {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null) } }',
    r2Buckets: { BUCKET: 'bos-images' },
    r2Persist: join(state, 'v3', 'r2'),
  });
  const bucket = await mf.getR2Bucket('BUCKET');
  for (const [key, bytes] of objects) {
    await bucket.put(key, new Uint8Array(bytes).buffer);
  }
  await mf.dispose();
}

// ---------------------------------------------------------------------------------------------
// workerd: one fresh process per measurement, so its peak memory belongs to one request.

const peakKiB = (pid) => memoryKiB(pid).hwm;

/**
 * The deploy bundle in a fresh workerd (Miniflare, as the tests run it) on the seeded local R2:
 * requests reach the Worker directly, without the proxy `wrangler dev` puts in front (which adds
 * its own time and memory, see docs/DEPLOY.md). One process per measurement, so its peak memory
 * belongs to one request.
 */
async function startWorkerd({ inspect = false } = {}) {
  const before = new Set(descendants(process.pid).map((p) => p.pid));
  const inspectorPort = inspect ? await freePort() : undefined;
  // With the inspector, the Worker's request log too (its wasm memory per request).
  const logs = [];
  const mf = new Miniflare({
    ...(inspect
      ? {
          inspectorPort,
          handleRuntimeStdio(stdout, stderr) {
            let pending = '';
            stdout.on('data', (chunk) => {
              const lines = (pending + chunk.toString('utf8')).split('\n');
              pending = lines.pop() ?? '';
              logs.push(...lines);
            });
            stderr.pipe(process.stderr);
          },
        }
      : {}),
    modules: true,
    scriptPath: join(work, 'dist', 'index.js'),
    modulesRoot: join(work, 'dist'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate,
    r2Buckets: { BUCKET: 'bos-images' },
    r2Persist: join(state, 'v3', 'r2'),
    kvNamespaces: ['CONFIG'],
    bindings: { BUCKET_NAME: 'bos-images', LOG_REQUESTS: inspect ? 'true' : 'false' },
  });
  const url = await mf.ready;
  const workerd = descendants(process.pid)
    .filter((p) => p.comm === 'workerd' && !before.has(p.pid))
    .map((p) => p.pid);
  if (workerd.length === 0) throw new Error('no workerd process found');
  return { base: url.origin, workerd, inspectorPort, logs, stop: () => mf.dispose() };
}

async function timedGet(url, accept) {
  const begin = performance.now();
  const response = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(120_000) });
  const body = new Uint8Array(await response.arrayBuffer());
  const elapsed = performance.now() - begin;
  if (response.status !== 200) {
    throw new Error(`${url} → ${response.status} ${new TextDecoder().decode(body).slice(0, 200)}`);
  }
  return { elapsed, body, type: response.headers.get('content-type') };
}

/**
 * A fresh isolate: the cold request, the first ${FIRST_RUNS} after it, ${SETTLE_RUNS} untimed, then the
 * warm ones (no cache answers locally: every request renders). `between` runs after each timed
 * request (sharp's timed runs), so that both sides of a ratio are measured over the same seconds
 * and a burst of load on the machine slows both alike.
 */
async function measureWorkerd(id, extension, command, warmRuns = WARM_RUNS, between = null) {
  const worker = await startWorkerd();
  try {
    // A 404 wakes the isolate without instantiating any codec: the idle baseline.
    await fetch(`${worker.base}/__idle__`).then((r) => r.arrayBuffer());
    const idle = worker.workerd.map(peakKiB);
    const accept = 'image/webp,*/*';
    const url = `${worker.base}/${id}-0.${extension}?x-bce-process=${command}`;
    const cold = await timedGet(url, accept);
    const afterCold = worker.workerd.map(peakKiB);
    const growth = Math.max(...afterCold.map((peak, i) => peak - (idle[i] ?? 0)));
    const served = afterCold.findIndex((peak, i) => peak - (idle[i] ?? 0) === growth);
    const first = [];
    const warm = [];
    const floor = [];
    if (warmRuns > 0) {
      for (let i = 0; i < FIRST_RUNS; i++) {
        first.push((await timedGet(url, accept)).elapsed);
        await between?.();
      }
      for (let i = 0; i < SETTLE_RUNS; i++) await timedGet(url, accept);
      // The floor: a request that does no image work (a 404 from R2), over the same loopback.
      for (let i = 0; i < WARM_RUNS; i++) {
        const begin = performance.now();
        await fetch(`${worker.base}/__idle__`).then((r) => r.arrayBuffer());
        floor.push(performance.now() - begin);
      }
      for (let i = 0; i < warmRuns; i++) {
        warm.push((await timedGet(url, accept)).elapsed);
        await between?.();
      }
    }
    return {
      cold: cold.elapsed,
      first,
      warm,
      floor,
      type: cold.type,
      outputBytes: cold.body.length,
      body: cold.body,
      growthMiB: growth / 1024,
      idleMiB: (idle[served] ?? 0) / 1024,
    };
  } finally {
    await worker.stop();
  }
}

/** The pipeline in a fresh Node process: its wasm memories then belong to this scenario alone. */
function measureNode(inputPath, command) {
  const script = `
    import { readFileSync } from 'node:fs';
    const { runPipeline, wasmMemoryBytes } = await import(${JSON.stringify(join(work, 'pipeline.mjs'))});
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(inputPath)}));
    const objects = Object.fromEntries(
      ${JSON.stringify(Object.keys(objects))}.map((key) => [
        key,
        new Uint8Array(readFileSync(${JSON.stringify(join(work, 'objects'))} + '/' + key)),
      ]),
    );
    const times = [];
    for (let i = 0; i <= ${WARM_RUNS}; i++) {
      const begin = performance.now();
      await runPipeline(bytes, ${JSON.stringify(command)}, 'image/webp,*/*', objects);
      times.push(performance.now() - begin);
    }
    console.log(JSON.stringify({ times, wasm: wasmMemoryBytes(), rss: process.memoryUsage().rss }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const { times, wasm } = JSON.parse(result.stdout.trim().split('\n').pop());
  return { cold: times[0], warm: times.slice(1), wasm };
}

/** sharp's default thread count (libvips uses one per core). */
const SHARP_THREADS = sharp.concurrency();

/**
 * One run of sharp doing the equivalent work: its time and its output, with its default threads
 * (what a user would run instead) or one (a Worker renders on one thread).
 */
async function sharpOnce(input, operation, threads = SHARP_THREADS, options = {}) {
  sharp.concurrency(threads);
  const begin = performance.now();
  const output = await operation(sharp(input, options), objects);
  return { elapsed: performance.now() - begin, output };
}

/** Mean SSIM of our response and sharp's output, or why they cannot be compared. */
async function similarityToSharp(ours, theirs) {
  const pixels = async (bytes) => {
    const { data, info } = await sharp(bytes)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
  };
  const [a, b] = await Promise.all([pixels(ours), pixels(theirs)]);
  if (a.width !== b.width || a.height !== b.height) {
    return `sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`;
  }
  return ssim(a, b).mssim.toFixed(3);
}

// ---------------------------------------------------------------------------------------------
// Scenarios

sharp.cache(false);
const { checkCommand } = await import(join(work, 'pipeline.mjs'));

const seeded = [];
for (const scenario of SCENARIOS) {
  const input = inputs[scenario.input];
  for (let i = 0; i <= WARM_RUNS; i++)
    seeded.push([`${scenario.id}-${i}.${input.extension}`, input.bytes]);
}
for (const [key, bytes] of Object.entries(objects)) seeded.push([key, bytes]);
const memorySizes = [3, 6];
for (const mp of memorySizes) {
  const input = await sizedJpeg(mp);
  inputs[`mem-${mp}`] = input;
  seeded.push([`mem${mp}-0.jpg`, input.bytes]);
}
log(`seeding ${seeded.length} objects into the local R2 bucket`);
await seed(seeded);

// `BENCH_ONLY=s4,s7 npm run bench`: only those scenarios (`concurrent`: the concurrent loads), a
// summary on stdout, RESULTS.md left alone (for comparing two builds on the same machine in the
// same minutes).
const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
const results = [];
for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.id))) {
  const input = inputs[scenario.input];
  log(`${scenario.id}: ${scenario.title}`);
  // One warm-up run (its output is the SSIM reference); the timed runs alternate with ours.
  const sharpResult = {
    warm: [],
    oneThread: [],
    output: (await sharpOnce(input.bytes, scenario.sharp, SHARP_THREADS, scenario.sharpOptions))
      .output,
  };
  const timeSharp = async () => {
    sharpResult.warm.push(
      (await sharpOnce(input.bytes, scenario.sharp, SHARP_THREADS, scenario.sharpOptions)).elapsed,
    );
    sharpResult.oneThread.push(
      (await sharpOnce(input.bytes, scenario.sharp, 1, scenario.sharpOptions)).elapsed,
    );
  };
  let supported = true;
  try {
    checkCommand(scenario.command);
  } catch (error) {
    supported = false;
    log(`  not yet supported: ${error.message}`);
  }
  const result = { scenario, input, sharp: sharpResult, supported };
  if (supported) {
    try {
      result.node = measureNode(input.path, scenario.command);
    } catch (error) {
      // Refused by the service (e.g. its memory budget): reported, not fatal.
      result.supported = false;
      result.refused =
        /BosError: ([^\n]*)/.exec(String(error.message))?.[1] ?? String(error.message);
      log(`  refused: ${result.refused}`);
    }
  }
  if (result.supported) {
    result.workerd = await measureWorkerd(
      scenario.id,
      input.extension,
      scenario.command,
      WARM_RUNS,
      timeSharp,
    );
    result.similarity = await similarityToSharp(result.workerd.body, sharpResult.output);
    log(
      `  workerd warm ${ms(median(result.workerd.warm))}, cold ${ms(result.workerd.cold)}, ` +
        `first ${FIRST_RUNS} ${ms(median(result.workerd.first))} (max ${ms(Math.max(...result.workerd.first))}), ` +
        `node ${ms(median(result.node.warm))}, sharp ${ms(median(sharpResult.warm))}, ` +
        `peak +${result.workerd.growthMiB.toFixed(0)} MiB`,
    );
  }
  if (!result.supported) for (let i = 0; i < WARM_RUNS + FIRST_RUNS; i++) await timeSharp();
  results.push(result);
}

/**
 * `count` requests at once on a fresh isolate, taking turns over `mix`: by default half 12 MP JPEG
 * → 400 px WebP (scenario 1's inputs), half 600 px → 150 px (scenario 7's); each request has its
 * own command so no cache answers. Reports the statuses and workerd's peak growth over its idle
 * baseline, first decodes included.
 */
const CONCURRENT_MIXES = {
  jpeg: [
    (i) => [`s1-${i % 12}.jpg`, `image/resize,m_lfit,w_${380 + i},h_400/format,f_webp`],
    (i) => [`s7-${i % 12}.jpg`, `image/resize,w_${140 + i}`],
  ],
  // Heavier kinds too: the PNG with alpha (s4), rotation (s10), a full-size 6 MP WebP (s11).
  mixed: [
    (i) => [`s1-${i % 12}.jpg`, `image/resize,m_lfit,w_${380 + i},h_400/format,f_webp`],
    (i) => [`s7-${i % 12}.jpg`, `image/resize,w_${140 + i}`],
    (i) => [`s4-${i % 12}.png`, `image/resize,w_${780 + i}/format,f_webp`],
    (i) => [`s10-${i % 12}.jpg`, `image/resize,w_${780 + i}/rotate,a_10`],
    (i) => [`s11-${i % 12}.jpg`, `image/quality,Q_${60 + i}/format,f_webp`],
  ],
};

async function measureConcurrent(count, mix = CONCURRENT_MIXES.jpeg) {
  const worker = await startWorkerd({ inspect: true });
  try {
    await fetch(`${worker.base}/__idle__`).then((r) => r.arrayBuffer());
    const idle = worker.workerd.map(peakKiB);
    const heap = await watchIsolateHeap(worker.inspectorPort);
    const statuses = {};
    const began = performance.now();
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const kind = mix[i % mix.length];
        const [key, command] = kind(Math.floor(i / mix.length));
        const response = await fetch(`${worker.base}/${key}?x-bce-process=${command}`, {
          signal: AbortSignal.timeout(120_000),
        });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }),
    );
    const wall = performance.now() - began;
    const peaks = await heap.stop();
    const growth = Math.max(...worker.workerd.map((pid, i) => peakKiB(pid) - (idle[i] ?? 0)));
    const wasm = largestWasmBytes(worker.logs);
    return {
      statuses,
      growthMiB: growth / 1024,
      ms: wall,
      isolate: {
        heapMiB: mib(peaks.heap),
        buffersMiB: mib(peaks.buffers),
        wasmMiB: mib(wasm),
        // Each peak at its own moment: their sum bounds the isolate's peak from above.
        boundMiB: mib(peaks.both + wasm),
      },
    };
  } finally {
    await worker.stop();
  }
}

const CONCURRENT_RUNS = [
  ['jpeg', 20],
  ['jpeg', 40],
  ['mixed', 20],
  ['mixed', 40],
];
const concurrentRows = [];
if (!only || only.includes('concurrent')) {
  log('concurrent load');
  for (const [name, count] of CONCURRENT_RUNS) {
    const run = await measureConcurrent(count, CONCURRENT_MIXES[name]);
    concurrentRows.push({ name, count, run });
    console.log(
      `concurrent ${name} ${count}\tstatuses ${JSON.stringify(run.statuses)}\tisolate ≤ ${run.isolate.boundMiB.toFixed(0)} MiB ` +
        `(heap ${run.isolate.heapMiB.toFixed(0)} + buffers ${run.isolate.buffersMiB.toFixed(0)} + wasm ${run.isolate.wasmMiB.toFixed(0)})` +
        `\tworkerd process +${run.growthMiB.toFixed(0)} MiB\t${ms(run.ms)}`,
    );
  }
}

if (only) {
  for (const r of results) {
    if (!r.workerd) continue;
    const warm = median(r.workerd.warm);
    const first = median(r.workerd.first);
    const reference = median(r.sharp.warm);
    const single = median(r.sharp.oneThread);
    console.log(
      `${r.scenario.id}\tcold ${ms(r.workerd.cold)}\tfirst ${ms(first)} (${(first / reference).toFixed(2)}x)\twarm ${ms(warm)}\tsharp ${ms(reference)} (1 thread ${ms(single)})\t${(warm / reference).toFixed(2)}x (1 thread ${(warm / single).toFixed(2)}x)\tpeak +${r.workerd.growthMiB.toFixed(0)} MiB`,
    );
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The largest JPEG that scenario 1 serves within an isolate's 128 MiB

log('memory: scenario 1 at other sizes');
const s1 = SCENARIOS[0];
const points = [];
for (const mp of memorySizes) {
  const run = await measureWorkerd(`mem${mp}`, 'jpg', s1.command, 0);
  points.push({ mp, growth: run.growthMiB });
  log(`  ${mp} MP: +${run.growthMiB.toFixed(0)} MiB`);
}
for (const r of results) {
  if (r.workerd && r.scenario.command === s1.command && r.input.format === 'jpeg') {
    points.push({ mp: r.input.megapixels, growth: r.workerd.growthMiB });
  }
}
points.sort((a, b) => a.mp - b.mp);
// First the protocol's largest JPEG (200 MP, seeded for s3c) with scenario 1's command.
const biggest = inputs['200mp'];
const atMaximum = await measureWorkerd('s3c', 'jpg', s1.command, 0);
points.push({ mp: biggest.megapixels, growth: atMaximum.growthMiB, verified: true });
log(`  ${biggest.megapixels} MP: +${atMaximum.growthMiB.toFixed(0)} MiB`);
let largest;
let slope = NaN;
let intercept = NaN;
if (atMaximum.growthMiB <= ISOLATE_MIB) {
  largest = {
    mp: biggest.megapixels,
    growth: atMaximum.growthMiB,
    width: biggest.width,
    height: biggest.height,
    maximum: true,
  };
} else {
  // Least squares over the measured points; growth is close to linear in pixels.
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.mp, 0) / n;
  const meanY = points.reduce((s, p) => s + p.growth, 0) / n;
  slope =
    points.reduce((s, p) => s + (p.mp - meanX) * (p.growth - meanY), 0) /
    points.reduce((s, p) => s + (p.mp - meanX) ** 2, 0);
  intercept = meanY - slope * meanX;
  const fitted = slope > 0 ? (ISOLATE_MIB - intercept) / slope : 1;
  let candidate = Math.floor(Math.min(200, Math.max(0.5, fitted)) * 10) / 10;
  for (let attempt = 0; attempt < 4 && candidate > 0.5; attempt++) {
    const input = await sizedJpeg(candidate);
    await seed([[`fit-${attempt}-0.jpg`, input.bytes]]);
    const run = await measureWorkerd(`fit-${attempt}`, 'jpg', s1.command, 0);
    log(`  ${candidate} MP: +${run.growthMiB.toFixed(0)} MiB`);
    points.push({ mp: candidate, growth: run.growthMiB, verified: true });
    if (run.growthMiB <= ISOLATE_MIB) {
      largest = { mp: candidate, growth: run.growthMiB, width: input.width, height: input.height };
      break;
    }
    candidate = Math.floor((candidate - 0.5) * 10) / 10;
  }
}

// ---------------------------------------------------------------------------------------------
// Bundle

const sizes = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(dry.stdout + dry.stderr);
const bundle = sizes ? { raw: Number(sizes[1]) * 1024, gzip: Number(sizes[2]) * 1024 } : undefined;
const wasmFiles = readdirSync(join(work, 'dist'))
  .filter((f) => f.endsWith('.wasm'))
  .map((f) => ({
    name: f.replace(/^[0-9a-f]{40}-/, ''),
    bytes: statSync(join(work, 'dist', f)).size,
  }))
  .sort((a, b) => b.bytes - a.bytes);

// ---------------------------------------------------------------------------------------------
// Report

const version = (pkg) =>
  JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lines = [];
// ---------------------------------------------------------------------------------------------
// Effects: our kernels on one RGBA frame in this process vs sharp doing the same on raw RGBA.

log('effects: 2 MP and 12 MP RGBA frames');
const effectsModule = await import(join(work, 'pipeline.mjs'));
const EFFECTS = [
  [
    'bright,b_20',
    (d) => effectsModule.mapRgbInPlace(d, effectsModule.brightTable(20)),
    (s) => s.linear([1, 1, 1, 1], [51, 51, 51, 0]),
  ],
  [
    'contrast,c_30',
    (d) => effectsModule.mapRgbInPlace(d, effectsModule.contrastTable(30)),
    (s) => s.linear([1.3, 1.3, 1.3, 1], [-38.4, -38.4, -38.4, 0]),
  ],
  ['grayscale', (d) => effectsModule.grayscaleInPlace(d), (s) => s.grayscale()],
  ['blur,r_3,s_2', (d, size) => effectsModule.blurInPlace(d, size, 3, 2), (s) => s.blur(2)],
  ['blur,r_50,s_20', (d, size) => effectsModule.blurInPlace(d, size, 50, 20), (s) => s.blur(20)],
  [
    'sharpen,r_2,s_2',
    (d, size) => effectsModule.sharpenInPlace(d, size, 2, 2),
    (s) => s.sharpen({ sigma: 2, m1: 1, m2: 1 }),
  ],
];
const effectRows = [];
for (const [label, width, height] of [
  ['2 MP', 1732, 1155],
  ['12 MP', 4000, 3000],
]) {
  const frame = await sharp(join(root, 'test', 'fixtures', 'photo', '2569067123_aca715a2ee_o.jpg'))
    .resize(width, height, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer();
  const raw = { raw: { width, height, channels: 4 } };
  for (const [name, ours, theirs] of EFFECTS) {
    const oursMs = [];
    const sharpMs = [];
    for (let i = 0; i < 5; i++) {
      const copy = new Uint8Array(frame);
      const t = performance.now();
      ours(copy, { width, height });
      oursMs.push(performance.now() - t);
      const u = performance.now();
      await theirs(sharp(frame, raw)).raw().toBuffer();
      sharpMs.push(performance.now() - u);
    }
    effectRows.push({ label, name, ours: median(oursMs), sharp: median(sharpMs) });
  }
}

lines.push('# Benchmark results', '');
lines.push(
  `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} in ${Math.round((Date.now() - started) / 1000)} s.`,
  '',
);
lines.push(
  `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}. ` +
    `Node ${process.version}, wrangler ${version('wrangler')}, workerd ${version('workerd')}, ` +
    `sharp ${version('sharp')} (libvips ${sharp.versions.vips}, cache off; ${SHARP_THREADS} threads by default, and 1), ` +
    `our decoders ${Object.entries(
      JSON.parse(readFileSync(join(root, 'wasm', 'manifest.json'), 'utf8')).sources,
    )
      .map(([name, source]) => `${name} ${source.version}`)
      .join(', ')}, ` +
    `@jsquash/avif ${version('@jsquash/avif')} (decoder); our PNG decoder on libdeflate, our JPEG, WebP and AVIF encoders and resampler (wasm/).`,
  '',
);
lines.push(
  'Inputs are generated by the bench from `test/fixtures/photo/2569067123_aca715a2ee_o.jpg` (a 6 MP photo): scaled with Lanczos, with deterministic fine grain added so large JPEGs have realistic entropy.',
  '',
);
lines.push('## Speed', '');
lines.push(
  `workerd: the deploy bundle in workerd (Miniflare, local R2; not behind \`wrangler dev\`'s proxy), wall time of the HTTP request over loopback, one fresh process per scenario (no cache answers locally: every request renders). Cold = its first request (codec instantiation included); first ${FIRST_RUNS} = median (max) of the ${FIRST_RUNS} requests after it, while V8 still runs the wasm from its baseline compiler; warm = median (min–max) of ${WARM_RUNS} requests after ${SETTLE_RUNS} more untimed. Node: the same pipeline code (bytes in hand, no HTTP), median of ${WARM_RUNS} after one warm-up. sharp: the equivalent operation (shrink-on-load included) with its default ${SHARP_THREADS} threads (what a user would run instead; the ratios are against it) and with 1 thread, each timed right after one of the workerd requests so both sides are timed over the same seconds. SSIM vs sharp: mean SSIM of our response and sharp's output for the same command (lossy encodings on both sides).`,
  '',
);
const floors = results.flatMap((r) => r.workerd?.floor ?? []);
if (floors.length > 0) {
  lines.push(
    `A request that does no image work (a 404) takes ${median(floors).toFixed(1)} ms median over the same loopback: the floor under every workerd figure (sharp's has no HTTP).`,
    '',
  );
}
lines.push(
  `| # | Scenario | Input | workerd cold | first ${FIRST_RUNS} | workerd warm | Node | sharp | sharp 1 thread | first/sharp | warm/sharp | warm/sharp 1 thread | SSIM vs sharp |`,
);
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const s = r.scenario;
  const inputText = `${r.input.width}×${r.input.height} ${r.input.format}, ${(r.input.bytes.length / 1e6).toFixed(1)} MB`;
  const sharpMedian = median(r.sharp.warm);
  if (!r.supported) {
    const why = r.refused ? `refused: ${r.refused}` : 'not yet supported';
    lines.push(
      `| ${s.id} | ${s.title}<br>\`${s.command}\` | ${inputText} | ${why} | | | | ${ms(sharpMedian)} | ${ms(median(r.sharp.oneThread))} | n/a | n/a | n/a | |`,
    );
    continue;
  }
  const warm = r.workerd.warm;
  const first = r.workerd.first;
  const single = median(r.sharp.oneThread);
  lines.push(
    `| ${s.id} | ${s.title}<br>\`${s.command}\` | ${inputText} | ${ms(r.workerd.cold)} | ${ms(median(first))} (${Math.round(Math.max(...first))}) | ${ms(median(warm))} (${Math.round(Math.min(...warm))}–${Math.round(Math.max(...warm))}) | ${ms(median(r.node.warm))} | ${ms(sharpMedian)} | ${ms(single)} | ${(median(first) / sharpMedian).toFixed(2)}× | ${(median(warm) / sharpMedian).toFixed(2)}× | ${(median(warm) / single).toFixed(2)}× | ${r.similarity} |`,
  );
}
lines.push('', '## Memory', '');
lines.push(
  `Peak memory of one request: growth of the workerd process's peak resident set (VmHWM) over its idle baseline (after a request that instantiates no codec), one fresh process per scenario. Wasm memories: the size each codec's linear memory grew to for that scenario (fresh Node process; wasm memory never shrinks). A Worker isolate has ${ISOLATE_MIB} MiB for JS and wasm together.`,
  '',
);
lines.push('| # | Scenario | Peak growth | Within 128 MiB | Wasm memories |');
lines.push('|---|---|---|---|---|');
for (const r of results) {
  if (!r.supported) {
    lines.push(
      `| ${r.scenario.id} | ${r.scenario.title} | ${r.refused ? 'refused' : 'not yet supported'} | | |`,
    );
    continue;
  }
  const wasm = Object.entries(r.node.wasm)
    .map(([name, bytes]) => `${name} ${mib(bytes).toFixed(0)}`)
    .join(', ');
  const growth = r.workerd.growthMiB;
  lines.push(
    `| ${r.scenario.id} | ${r.scenario.title} | ${growth.toFixed(0)} MiB | ${growth <= ISOLATE_MIB ? 'yes' : '**no**'} | ${wasm} MiB |`,
  );
}
lines.push('');
lines.push(
  `Scenario 1 (\`${s1.command}\`) at other sizes: ` +
    points
      .map((p) => `${p.mp} MP → ${p.growth.toFixed(0)} MiB${p.verified ? ' (measured again)' : ''}`)
      .join('; ') +
    '.',
  '',
);
lines.push(
  largest?.maximum
    ? `**Largest JPEG that goes through scenario 1 within ${ISOLATE_MIB} MiB: every JPEG the protocol allows, up to its ${largest.mp} MP maximum** (${largest.width}×${largest.height}, measured +${largest.growth.toFixed(0)} MiB).`
    : largest
      ? `**Largest JPEG that goes through scenario 1 within ${ISOLATE_MIB} MiB: ${largest.mp} MP** (${largest.width}×${largest.height}, measured +${largest.growth.toFixed(0)} MiB; fitted ${slope.toFixed(1)} MiB per MP + ${intercept.toFixed(0)} MiB).`
      : `**No tested size fits scenario 1 within ${ISOLATE_MIB} MiB** (fitted ${slope.toFixed(1)} MiB per MP + ${intercept.toFixed(0)} MiB).`,
  '',
);
lines.push('## Concurrent load', '');
lines.push(
  "Requests sent at once to a fresh isolate, each with its own command (no cache answers). `jpeg`: half 12 MP JPEG → 400 px WebP (s1), half 600 → ~150 px (s7). `mixed`: those two, the 2048×1536 PNG with alpha → 800 px WebP (s4), 6 MP → 800 px rotated 10° (s10) and 6 MP → full-size WebP (s11), in turn. **Isolate**: what the Worker's own isolate held, as the platform counts it against 128 MiB: the peak of its V8 heap plus ArrayBuffers (workerd's inspector, sampled every 5 ms) plus its wasm memories (the largest its request log reported); each part may peak at a different moment, so the sum bounds the isolate from above. **Process**: the workerd process's peak resident growth, which also holds what a deployed isolate does not (the local R2 and KV simulators, Miniflare's entry worker, the buffers between them, compiled code).",
  '',
  '| Load | At once | Statuses | Isolate (bound) | heap | buffers | wasm | Process growth | Wall |',
  '|---|---|---|---|---|---|---|---|---|',
);
for (const { name, count, run } of concurrentRows) {
  const statuses = Object.entries(run.statuses)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
  lines.push(
    `| ${name} | ${count} | ${statuses} | ${run.isolate.boundMiB.toFixed(0)} MiB${run.isolate.boundMiB <= ISOLATE_MIB ? '' : ' **over**'} | ${run.isolate.heapMiB.toFixed(0)} | ${run.isolate.buffersMiB.toFixed(0)} | ${run.isolate.wasmMiB.toFixed(0)} | +${run.growthMiB.toFixed(0)} MiB | ${ms(run.ms)} |`,
  );
}
lines.push(
  '',
  'A 503 is the bounded queue at work: at most 32 requests wait for memory, for at most 10 s each (pipeline/admission.ts).',
  '',
);
lines.push('## Effects', '');
lines.push(
  "Each effect on one RGBA frame of the fixture photo scaled to 2 MP and 12 MP, in Node: our kernel (bright, contrast and grayscale in TypeScript through lookup tables; blur and sharpen in wasm/kernels/blur.c with SIMD, running sums so the cost does not grow with the radius) against sharp doing the same on the raw RGBA (1 thread; its time includes wrapping the raw buffer). Median of 5. sharp's `sharpen` works on L* with clamped gains, a costlier operation than our unsharp mask.",
  '',
  '| Frame | Effect | ours | sharp | ours/sharp |',
  '|---|---|---|---|---|',
);
for (const row of effectRows) {
  lines.push(
    `| ${row.label} | \`${row.name}\` | ${ms(row.ours)} | ${ms(row.sharp)} | ${(row.ours / row.sharp).toFixed(2)}× |`,
  );
}
lines.push('');
lines.push('## Bundle', '');
if (bundle) {
  lines.push('| | Size | Free plan (3 MB gzip) | Paid plan (10 MB gzip) |', '|---|---|---|---|');
  lines.push(`| raw | ${(bundle.raw / 1e6).toFixed(2)} MB | | |`);
  lines.push(
    `| gzip | ${(bundle.gzip / 1e6).toFixed(2)} MB | ${bundle.gzip <= 3e6 ? 'fits' : '**over**'} (${((bundle.gzip / 3e6) * 100).toFixed(0)} %) | ${bundle.gzip <= 10e6 ? 'fits' : '**over**'} (${((bundle.gzip / 10e6) * 100).toFixed(0)} %) |`,
  );
  lines.push(
    '',
    'Largest modules: ' +
      wasmFiles
        .slice(0, 6)
        .map((f) => `${f.name} ${(f.bytes / 1e6).toFixed(2)} MB`)
        .join(', ') +
      '.',
  );
} else {
  lines.push('wrangler did not report a size:', '', '```', dry.stdout + dry.stderr, '```');
}
lines.push('');

const report = lines.join('\n');
writeFileSync(join(root, 'bench', 'RESULTS.md'), report);
console.log('\n' + report);
log('wrote bench/RESULTS.md');
