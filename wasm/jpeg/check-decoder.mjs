#!/usr/bin/env node
// Pixel-identity check of two builds of our JPEG decoder (wasm/dist/jpeg_dec.js or a variant):
//
//   node wasm/jpeg/check-decoder.mjs BEFORE/jpeg_dec.js AFTER/jpeg_dec.js
//
// Decodes every JPEG under test/fixtures and a generated corpus with both builds, at every scale
// src/wasm/jpeg-decoder.ts can ask for (eighths 1..8, whole image, and a region at full and half
// scale), and fails if any result differs: result code, size, or a pixel byte. Checks that our
// decoder patches (wasm/jpeg/idct-simd.patch, ...) change no output. The generated corpus:
//  - sharp's (mozjpeg's) encodings of photos at odd sizes, noise, and high-contrast patterns
//    (8-pixel checkerboards, pixel-level stripes, the 64 DCT basis functions at full swing) at
//    qualities 1..100, 4:2:0 and 4:4:4, baseline and progressive, with and without mozjpeg's
//    overshoot deringing (which drives samples past 0..255 on purpose);
//  - this file's own baseline encoder (sharp has no other subsampling): the same images at
//    4:2:2, 4:4:0, 4:1:1, 4:2:0 and grey, with Annex K tables at qualities 1..100 (16-bit ones
//    beyond 255), and random coefficients of every magnitude a JPEG can code (up to ±32767) with
//    8- and 16-bit quantisation tables, which reach the IDCTs' overflow and range-limit
//    wraparound (a sample of x & 1023 in range_limit[]), and their exits to the plain C.
// Needs sharp (a dev dependency).
/* global console, process -- Node (eslint.config.js gives Node globals to scripts/ only) */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { random } from '../../bench/random.mjs';
import { fixturePhotos, loadBuild, root } from '../build-checks.mjs';

/** As src/wasm/jpeg-decoder.ts: the region (x, y, w, h; w, h <= 0 to the edge) at eighths/8. */
function decode(m, bytes, eighths, [x, y, w, h] = [0, 0, 0, 0]) {
  const input = m._jpeg_alloc(bytes.length);
  m.HEAPU8.set(bytes, input);
  const output = m._jpeg_decode(input, bytes.length, eighths, x, y, w, h);
  m._jpeg_free(input);
  if (output === 0) return { code: m._jpeg_result_code() };
  const width = m._jpeg_result_width();
  const height = m._jpeg_result_height();
  const pixels = m.HEAPU8.slice(output, output + width * height * 4);
  m._jpeg_free(output);
  return { code: 0, width, height, pixels };
}

// --- source images (RGB) ----------------------------------------------------------------------

function synthetic(name, width, height, pixel) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { name, data, width, height };
}

async function photo(file, width, height) {
  const { data, info } = await sharp(file)
    .toColourspace('srgb')
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    name: `${file.split('/').pop()}@${info.width}x${info.height}`,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

async function sources() {
  const files = fixturePhotos();
  const list = [];
  const sizes = [
    [333, 257],
    [1, 1],
    [17, 9],
    [9, 31],
    [64, 48],
  ];
  for (const [i, file] of files.entries()) list.push(await photo(file, ...sizes[i % sizes.length]));
  list.push(await photo(files[0], 250, 187));
  const noise = random(7);
  list.push(
    synthetic('noise 131x67', 131, 67, () => [noise() * 256, noise() * 256, noise() * 256]),
  );
  list.push(
    synthetic('checkerboard 8px 72x40', 72, 40, (x, y) =>
      ((x >> 3) + (y >> 3)) % 2 ? [255, 255, 255] : [0, 0, 0],
    ),
  );
  list.push(
    synthetic('stripes 1px 41x23', 41, 23, (x, y) =>
      (x + (y >> 2)) % 2 ? [255, 0, 255] : [0, 255, 0],
    ),
  );
  // Each DCT basis function at full swing (0 and 255 by the sign of its cosines), and negated,
  // with colours that swing the chroma channels as far.
  const sign = (u, i) => Math.cos(((2 * i + 1) * u * Math.PI) / 16) >= 0;
  list.push(
    synthetic('basis extremes 128x64', 128, 64, (x, y) => {
      const u = (x >> 3) & 7,
        v = (y >> 3) & 7,
        flip = x >= 64;
      const s = sign(u, x & 7) === sign(v, y & 7) ? !flip : flip;
      const value = s ? 255 : 0;
      return [value, 255 - value, (x ^ y) & 1 ? value : 255 - value];
    }),
  );
  list.push(synthetic('gradient 97x61', 97, 61, (x, y) => [(x * 255) / 96, (y * 255) / 60, 128]));
  return list;
}

// --- a small baseline JPEG encoder, for what sharp cannot make ------------------------------------

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];
const ANNEX_K_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const ANNEX_K_CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** Annex K scaled by the IJG quality, not clamped to 255 (16-bit tables at low qualities). */
function annexK(table, quality) {
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  return table.map((q) => Math.min(32767, Math.max(1, Math.floor((q * scale + 50) / 100))));
}

/** Huffman tables that code every symbol: DC sizes 0..15 in 5 bits, AC's 242 symbols in 8. */
const DC_SYMBOLS = [...Array(16).keys()];
const AC_SYMBOLS = [0x00, 0xf0];
for (let run = 0; run < 16; run++)
  for (let size = 1; size <= 15; size++) AC_SYMBOLS.push((run << 4) | size);
const huffman = (symbols, length) => new Map(symbols.map((s, i) => [s, { code: i, length }]));
const DC_CODES = huffman(DC_SYMBOLS, 5);
const AC_CODES = huffman(AC_SYMBOLS, 8);

function segment(marker, body) {
  return [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
}

/**
 * A baseline (or, with 16-bit tables, extended sequential) JPEG: `components` as
 * { h, v, table } with `block(c, bx, by)` giving block (bx, by) of component c as 64 quantised
 * coefficients in natural order, `tables` as 64 multipliers in natural order.
 */
function encodeJpeg(width, height, components, tables, block) {
  const out = [0xff, 0xd8];
  const wide = tables.some((t) => t.some((q) => q > 255));
  tables.forEach((t, i) => {
    const body = [((t.some((q) => q > 255) ? 1 : 0) << 4) | i];
    for (const z of ZIGZAG)
      if (body[0] >> 4) body.push(t[z] >> 8, t[z] & 0xff);
      else body.push(t[z]);
    out.push(...segment(0xdb, body));
  });
  const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components.length];
  components.forEach((c, i) => sof.push(i + 1, (c.h << 4) | c.v, c.table));
  out.push(...segment(wide ? 0xc1 : 0xc0, sof));
  const dht = (cls, codes) => {
    const counts = new Array(16).fill(0);
    for (const { length } of codes.values()) counts[length - 1]++;
    return [(cls << 4) | 0, ...counts, ...codes.keys()];
  };
  out.push(...segment(0xc4, [...dht(0, DC_CODES), ...dht(1, AC_CODES)]));
  const sos = [components.length];
  components.forEach((_, i) => sos.push(i + 1, 0x00));
  out.push(...segment(0xda, [...sos, 0, 63, 0]));

  let bits = 0,
    count = 0;
  const put = (value, length) => {
    for (let i = length - 1; i >= 0; i--) {
      bits = (bits << 1) | ((value >> i) & 1);
      if (++count === 8) {
        out.push(bits);
        if (bits === 0xff) out.push(0);
        bits = count = 0;
      }
    }
  };
  const magnitude = (v) => {
    const size = v === 0 ? 0 : 32 - Math.clz32(Math.abs(v));
    return { size, bits: v < 0 ? v + (1 << size) - 1 : v };
  };
  const hmax = Math.max(...components.map((c) => c.h));
  const vmax = Math.max(...components.map((c) => c.v));
  const single = components.length === 1;
  const mcusX = single ? Math.ceil(width / 8) : Math.ceil(width / (8 * hmax));
  const mcusY = single ? Math.ceil(height / 8) : Math.ceil(height / (8 * vmax));
  const previous = components.map(() => 0);
  for (let my = 0; my < mcusY; my++)
    for (let mx = 0; mx < mcusX; mx++)
      components.forEach((c, ci) => {
        const [h, v] = single ? [1, 1] : [c.h, c.v];
        for (let y = 0; y < v; y++)
          for (let x = 0; x < h; x++) {
            const coefficients = block(ci, mx * h + x, my * v + y);
            const dc = magnitude(coefficients[0] - previous[ci]);
            previous[ci] = coefficients[0];
            const code = DC_CODES.get(dc.size);
            put(code.code, code.length);
            put(dc.bits, dc.size);
            let run = 0;
            for (let k = 1; k < 64; k++) {
              const value = coefficients[ZIGZAG[k]];
              if (value === 0) {
                run++;
                continue;
              }
              for (; run > 15; run -= 16) put(AC_CODES.get(0xf0).code, 8);
              const ac = magnitude(value);
              put(AC_CODES.get((run << 4) | ac.size).code, 8);
              put(ac.bits, ac.size);
              run = 0;
            }
            if (run) put(AC_CODES.get(0x00).code, 8);
          }
      });
  if (count) put(0x7f, 8 - count);
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

/** An RGB image as planes of the given sampling, forward-DCT'd and quantised (JFIF YCbCr). */
function encodeImage({ data, width, height }, sampling, quality) {
  const grey = sampling.length === 1;
  const hmax = Math.max(...sampling.map(([h]) => h));
  const vmax = Math.max(...sampling.map(([, v]) => v));
  const tables = [annexK(ANNEX_K_LUMA, quality), annexK(ANNEX_K_CHROMA, quality)];
  const planes = [0, 1, 2].slice(0, sampling.length).map((c) => {
    const plane = new Float64Array(width * height);
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = [data[i * 3], data[i * 3 + 1], data[i * 3 + 2]];
      plane[i] = [
        0.299 * r + 0.587 * g + 0.114 * b,
        -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
        0.5 * r - 0.418688 * g - 0.081312 * b + 128,
      ][c];
    }
    return plane;
  });
  const cos = [];
  for (let u = 0; u < 8; u++)
    for (let x = 0; x < 8; x++)
      cos.push((u ? 0.5 : Math.SQRT1_2 / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16));
  // Component c's sample (x, y): the mean of the full-size samples it covers, edges replicated.
  const sample = (c, [h, v], x, y) => {
    const fx = hmax / h,
      fy = vmax / v;
    let sum = 0;
    for (let j = 0; j < fy; j++)
      for (let i = 0; i < fx; i++) {
        const px = Math.min(width - 1, x * fx + i),
          py = Math.min(height - 1, y * fy + j);
        sum += planes[c][py * width + px];
      }
    return sum / (fx * fy) - 128;
  };
  const components = sampling.map(([h, v], c) => ({ h, v, table: c ? 1 : 0 }));
  return encodeJpeg(width, height, components, grey ? [tables[0]] : tables, (c, bx, by) => {
    const pixels = new Float64Array(64);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++)
        pixels[y * 8 + x] = sample(c, sampling[c], bx * 8 + x, by * 8 + y);
    const coefficients = new Array(64);
    const table = tables[c ? 1 : 0];
    for (let v = 0; v < 8; v++)
      for (let u = 0; u < 8; u++) {
        let sum = 0;
        for (let y = 0; y < 8; y++)
          for (let x = 0; x < 8; x++) sum += pixels[y * 8 + x] * cos[v * 8 + y] * cos[u * 8 + x];
        coefficients[v * 8 + u] = Math.round(sum / table[v * 8 + u]);
      }
    return coefficients;
  });
}

/**
 * Random coefficients of a kind: `range` bounds the AC magnitudes (and DC ones, kept within
 * ±16383 so that every DC difference has a code), `density` the share of nonzero ACs; some
 * blocks DC-only, some all zero, some with one extreme coefficient.
 */
function randomImage(seed, width, height, sampling, tables, range, density) {
  const next = random(seed);
  const int = (limit) => Math.round((next() * 2 - 1) * limit);
  const components = sampling.map(([h, v], c) => ({ h, v, table: Math.min(c, tables.length - 1) }));
  return encodeJpeg(width, height, components, tables, () => {
    const coefficients = new Array(64).fill(0);
    const kind = next();
    coefficients[0] = int(Math.min(range, 16383));
    if (kind < 0.15) return coefficients;
    if (kind < 0.2) return new Array(64).fill(0);
    if (kind < 0.3) {
      coefficients[1 + Math.floor(next() * 63)] = next() < 0.5 ? range : -range;
      return coefficients;
    }
    for (let k = 1; k < 64; k++) if (next() < density) coefficients[k] = int(range) || 1;
    return coefficients;
  });
}

// --- the corpus -----------------------------------------------------------------------------

function* fixtures(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* fixtures(path);
    else if (/\.jpe?g$/i.test(name))
      yield { name: relative(root, path), bytes: readFileSync(path) };
  }
}

async function* corpus() {
  yield* fixtures(resolve(root, 'test', 'fixtures'));
  const images = await sources();
  for (const image of images) {
    const input = () =>
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
    for (const quality of [1, 5, 10, 25, 50, 75, 85, 90, 95, 98, 100])
      for (const chromaSubsampling of ['4:2:0', '4:4:4'])
        for (const progressive of [false, true]) {
          const overshootDeringing = quality % 2 === 1;
          const options = { quality, chromaSubsampling, progressive, overshootDeringing };
          yield {
            name: `${image.name} sharp q${quality} ${chromaSubsampling}${progressive ? ' progressive' : ''}${overshootDeringing ? ' deringing' : ''}`,
            bytes: await input().jpeg(options).toBuffer(),
          };
        }
    yield {
      name: `${image.name} sharp grey q90`,
      bytes: await input().toColourspace('b-w').jpeg({ quality: 90 }).toBuffer(),
    };
    const samplings = {
      '4:2:2': [
        [2, 1],
        [1, 1],
        [1, 1],
      ],
      '4:4:0': [
        [1, 2],
        [1, 1],
        [1, 1],
      ],
      '4:1:1': [
        [4, 1],
        [1, 1],
        [1, 1],
      ],
      '4:2:0': [
        [2, 2],
        [1, 1],
        [1, 1],
      ],
      '1x1,2x2,2x1': [
        [1, 1],
        [2, 2],
        [2, 1],
      ],
      grey: [[1, 1]],
    };
    for (const [label, sampling] of Object.entries(samplings))
      for (const quality of [1, 3, 20, 50, 80, 95, 100])
        yield {
          name: `${image.name} own ${label} q${quality}`,
          bytes: encodeImage(image, sampling, quality),
        };
  }
  const flat = (q) => new Array(64).fill(q);
  const next = random(99);
  const randomTable = (limit) => Array.from({ length: 64 }, () => 1 + Math.floor(next() * limit));
  const tableSets = {
    q1: [flat(1)],
    q255: [flat(255)],
    'annex-k q50': [annexK(ANNEX_K_LUMA, 50), annexK(ANNEX_K_CHROMA, 50)],
    'random 8-bit': [randomTable(255), randomTable(255)],
    'random 16-bit': [randomTable(65535), randomTable(1000)],
    q65535: [flat(65535)],
  };
  let seed = 1;
  for (const [label, tables] of Object.entries(tableSets))
    for (const range of [3, 60, 1023, 2047, 8191, 32767])
      for (const density of [0.05, 0.5])
        for (const sampling of [
          [
            [2, 2],
            [1, 1],
            [1, 1],
          ],
          [
            [2, 1],
            [1, 1],
            [1, 1],
          ],
          [[1, 1]],
        ]) {
          const id = seed++;
          yield {
            name: `random #${id} ${label} range ${range} density ${density} ${sampling.map((s) => s.join('x')).join(',')}`,
            bytes: randomImage(id, 45, 37, sampling, tables, range, density),
          };
        }
}

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node wasm/jpeg/check-decoder.mjs BEFORE/jpeg_dec.js AFTER/jpeg_dec.js');
  process.exit(2);
}
const a = await loadBuild(before);
const b = await loadBuild(after);
let files = 0,
  decodes = 0,
  withPixels = 0,
  differ = 0;
for await (const { name, bytes } of corpus()) {
  files++;
  const jobs = [];
  for (let eighths = 1; eighths <= 8; eighths++) jobs.push([eighths, undefined]);
  // A region (libjpeg's crop and skip), at full and half scale, where the image is big enough.
  jobs.push([8, [9, 5, 0, 0]], [4, [3, 2, 0, 0]]);
  for (const [eighths, region] of jobs) {
    const x = decode(a, bytes, eighths, region);
    const y = decode(b, bytes, eighths, region);
    decodes++;
    if (x.code === 0) withPixels++;
    const same =
      x.code === y.code &&
      x.width === y.width &&
      x.height === y.height &&
      (x.code !== 0 || x.pixels.every((v, i) => v === y.pixels[i]));
    if (!same && ++differ <= 20) {
      const at = x.pixels && y.pixels ? x.pixels.findIndex((v, i) => v !== y.pixels[i]) : -1;
      console.log(
        `DIFFER ${name} ${eighths}/8${region ? ` region ${region}` : ''}: code ${x.code} vs ${y.code}, ${x.width}x${x.height} vs ${y.width}x${y.height}, first difference at byte ${at}${at >= 0 ? ` (${x.pixels[at]} vs ${y.pixels[at]})` : ''}`,
      );
    }
  }
}
console.log(`${files} JPEGs, ${decodes} decodes (${withPixels} with pixels), ${differ} differ`);
process.exit(differ ? 1 : 0);
