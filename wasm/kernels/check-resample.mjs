#!/usr/bin/env node
// Pixel-identity check of two builds of our resampler (wasm/dist/kernels.wasm or a variant):
//
//   node wasm/kernels/check-resample.mjs BEFORE/kernels.wasm AFTER/kernels.wasm
//
// Resamples a generated corpus with both builds and fails if any output byte differs: sources
// of 1..700 × 1..500 pixels (random noise, gradients, black-and-white hard edges), opaque and
// premultiplied, to 1..800 × 1..600 pixels (reductions through the box pass, reductions, and
// enlargements), whole and from a fractional window (a scaled decode's edge), fed in the strips
// src/kernels/resize.ts feeds. Then times both builds on the reductions the bench's scenarios
// make (s7's 225×169 → 150×113 after a 3/8 decode, s1's 500×375 → 400×300 after a 1/8 one).
// Checks that a faster resampler (wasm/kernels/resample.c) changes no output.
/* global console, process, performance, WebAssembly -- Node */
import { readFileSync } from 'node:fs';
import { random } from '../../bench/random.mjs';

function load(path) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: { emscripten_notify_memory_growth() {} },
  });
  instance.exports._initialize?.();
  return instance.exports;
}

/** Resamples RGBA `source` (sw × sh) to dw × dh over the source window (x0, y0, ew, eh). */
function resample(kernels, source, [sw, sh], [dw, dh], alpha, [x0, y0, ew, eh]) {
  const strip = kernels.resample_begin(sw, sh, dw, dh, alpha, x0, y0, ew, eh);
  if (!strip) throw new Error(`resample_begin(${sw}, ${sh}, ${dw}, ${dh}) failed`);
  const rows = kernels.resample_strip_rows();
  for (let y = 0; y < sh; y += rows) {
    const count = Math.min(rows, sh - y);
    new Uint8Array(kernels.memory.buffer, strip, count * sw * 4).set(
      source.subarray(y * sw * 4, (y + count) * sw * 4),
    );
    kernels.resample_push(count);
  }
  const out = kernels.resample_finish();
  if (!out) throw new Error('resample_finish failed');
  const pixels = new Uint8Array(kernels.memory.buffer, out, dw * dh * 4).slice();
  kernels.resample_release();
  return pixels;
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error(
    'usage: node wasm/kernels/check-resample.mjs BEFORE/kernels.wasm AFTER/kernels.wasm',
  );
  process.exit(2);
}
const before = load(beforePath);
const after = load(afterPath);
const next = random(0x5eed);
const CASES = Number(process.env.CASES ?? 3000);
let differ = 0;
for (let i = 0; i < CASES; i++) {
  const size = [1 + Math.floor(next() ** 2 * 700), 1 + Math.floor(next() ** 2 * 500)];
  const target = [1 + Math.floor(next() ** 2 * 800), 1 + Math.floor(next() ** 2 * 600)];
  const alpha = next() < 0.3 ? 1 : 0;
  const kind = next();
  const source = new Uint8Array(size[0] * size[1] * 4);
  for (let j = 0; j < source.length; j++) {
    source[j] =
      kind < 0.5
        ? Math.floor(next() * 256)
        : kind < 0.75
          ? (j * 7 + (j >> 9)) & 255
          : next() < 0.5
            ? 0
            : 255;
  }
  const cropped = next() < 0.3;
  const x0 = cropped ? next() * size[0] * 0.3 : 0;
  const y0 = cropped ? next() * size[1] * 0.3 : 0;
  const window = [
    x0,
    y0,
    cropped ? (size[0] - x0) * (0.5 + next() * 0.5) : size[0],
    cropped ? (size[1] - y0) * (0.5 + next() * 0.5) : size[1],
  ];
  const a = resample(before, source, size, target, alpha, window);
  const b = resample(after, source, size, target, alpha, window);
  const at = a.findIndex((value, j) => value !== b[j]);
  if (at >= 0) {
    differ++;
    if (differ <= 5) {
      console.log(
        `DIFFER ${size.join('x')} -> ${target.join('x')} alpha ${alpha} window ${window.map((v) => v.toFixed(2)).join(',')}: byte ${at} (${a[at]} vs ${b[at]})`,
      );
    }
  }
}
console.log(`${CASES} resamplings, ${differ} differ`);

for (const [size, target] of [
  [
    [225, 169],
    [150, 113],
  ],
  [
    [500, 375],
    [400, 300],
  ],
  [
    [2725, 2225],
    [800, 653],
  ],
]) {
  const source = new Uint8Array(size[0] * size[1] * 4).map((_, j) => (j * 13) & 255);
  const repeats = Math.max(3, Math.round(2e7 / (size[0] * size[1])));
  const times = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, kernels] of [
      ['before', before],
      ['after', after],
    ]) {
      const begin = performance.now();
      for (let r = 0; r < repeats; r++) {
        resample(kernels, source, size, target, 0, [0, 0, size[0], size[1]]);
      }
      const ms = (performance.now() - begin) / repeats;
      times[name] = Math.min(times[name] ?? Infinity, ms);
    }
  }
  console.log(
    `${size.join('x')} -> ${target.join('x')}: before ${times.before.toFixed(3)} ms, after ${times.after.toFixed(3)} ms (best of 3)`,
  );
}
process.exit(differ > 0 ? 1 : 0);
