#!/usr/bin/env node
// Pixel-identity check of our PNG decoder (wasm/dist/png_dec.js) against the one it replaced,
// squoosh_png (the Rust `png` 0.17.10 crate with EXPAND | STRIP_16, from @jsquash/png 3.1.1, no
// longer a dependency: give the path of its codec/pkg/squoosh_png_bg.wasm, e.g. from the package's
// tarball), or against another build of ours:
//
//   node wasm/png/check-decoder.mjs REFERENCE.wasm|BEFORE/png_dec.js [AFTER/png_dec.js]
//
// Decodes every PNG under test/fixtures (the bad ones too: both must fail or both succeed) and a
// generated corpus with both, and counts those that differ (failure or success, size, a byte):
//  - sharp's PNGs of the fixture photos: RGB, RGBA, grey, grey+alpha, 16-bit RGB(A) and grey,
//    palettes of 2/4/16/256 colours (bit depths 1/2/4/8) with and without alpha (tRNS), each
//    plain and Adam7-interlaced, with and without adaptive filtering;
//  - this file's own writer, for what sharp does not write: every colour type and bit depth with
//    each filter type (and a random one per row), plain and interlaced, 16-bit samples whose low
//    byte would round the high byte up, grey and RGB tRNS colour keys (8 and 16-bit, and a 16-bit
//    key of the wrong length), palettes shorter than the indices used, tRNS longer than the
//    palette, APNGs (the IDAT image in the animation or not), IDAT split in many chunks, and
//    corrupt streams (bad filter type, short data, truncated, bad zlib header);
// then mutates them (bytes overwritten, bits flipped, tails cut) and checks that our decoder
// decodes or refuses each within a bounded time (a count of how often the two agree is printed).
// Needs sharp (a dev dependency).
/* global console, process, WebAssembly, TextDecoder -- Node */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join, relative, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { random } from '../../bench/random.mjs';
import { fixturePhotos, loadBuild, root } from '../build-checks.mjs';

const MAX_PIXELS = 200_000_000;

// --- the two decoders ---------------------------------------------------------------------------

/** squoosh_png's wasm with the wasm-bindgen imports it needs (as src/wasm/png.ts did). */
function loadSquoosh(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  const objects = new Map();
  let next = 132;
  let exports;
  const add = (value) => (objects.set(next, value), next++);
  const take = (index) => {
    const value = objects.get(index);
    objects.delete(index);
    return value;
  };
  const bytes = (pointer, length) => new Uint8Array(exports.memory.buffer, pointer >>> 0, length);
  const byPrefix = [
    ['__wbindgen_memory', () => add(exports.memory)],
    ['__wbg_buffer_', (index) => add(objects.get(index).buffer)],
    [
      '__wbg_newwithbyteoffsetandlength_',
      (buffer, offset, length) =>
        add(new Uint16Array(objects.get(buffer), offset >>> 0, length >>> 0)),
    ],
    ['__wbindgen_object_drop_ref', (index) => void take(index)],
    [
      '__wbg_newwithownedu8clampedarrayandsh_',
      (pointer, length, width, height) => {
        const data = bytes(pointer, length).slice();
        exports.__wbindgen_free(pointer, length, 1);
        return add({ data, width: width >>> 0, height: height >>> 0 });
      },
    ],
    [
      '__wbindgen_throw',
      (pointer, length) => {
        throw new Error(new TextDecoder().decode(bytes(pointer, length)));
      },
    ],
  ];
  const wbg = {};
  for (const { name } of WebAssembly.Module.imports(module))
    wbg[name] = byPrefix.find(([prefix]) => name.startsWith(prefix))[1];
  let instance = new WebAssembly.Instance(module, { wbg });
  exports = instance.exports;
  return (png) => {
    try {
      const pointer = exports.__wbindgen_malloc(png.length, 1) >>> 0;
      new Uint8Array(exports.memory.buffer).set(png, pointer);
      const { data, width, height } = take(exports.decode(pointer, png.length));
      return { ok: true, width, height, data };
    } catch (error) {
      // A Rust panic leaves the instance unusable: start afresh.
      instance = new WebAssembly.Instance(module, { wbg });
      exports = instance.exports;
      return { ok: false, error: String(error.message ?? error).slice(0, 60) };
    }
  };
}

/** Our decoder, as src/wasm/png-decoder.ts calls it. */
async function loadOurs(js) {
  const m = await loadBuild(js);
  return (png) => {
    const input = m._png_alloc(png.length);
    m.HEAPU8.set(png, input);
    const output = m._png_decode(input, png.length, MAX_PIXELS);
    m._png_free(input);
    if (output === 0) return { ok: false, error: `code ${m._png_result_code()}` };
    const width = m._png_result_width();
    const height = m._png_result_height();
    const data = m.HEAPU8.slice(output, output + width * height * 4);
    m._png_free(output);
    return { ok: true, width, height, data };
  };
}

const load = (path) => (path.endsWith('.wasm') ? loadSquoosh(path) : loadOurs(path));

// --- a PNG writer for what sharp cannot write ----------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const be32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
function chunk(type, body) {
  const typed = [...type].map((c) => c.charCodeAt(0));
  return [...be32(body.length), ...typed, ...body, ...be32(crc32([...typed, ...body]))];
}
const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Scanlines (filter byte first) of the given samples, `filter(row)` choosing each row's type. */
function scanlines(o, xs, ys, filter) {
  const channels = CHANNELS[o.colour];
  const bits = channels * o.depth;
  const bpp = Math.max(1, bits >> 3);
  const length = Math.ceil((xs.length * bits) / 8);
  const out = [];
  let prev = new Array(length).fill(0);
  ys.forEach((y, row) => {
    const raw = new Array(length).fill(0);
    let bit = 0;
    for (const x of xs)
      for (const sample of o.pixel(x, y)) {
        if (o.depth === 16) {
          raw[bit >> 3] = sample >> 8;
          raw[(bit >> 3) + 1] = sample & 255;
        } else raw[bit >> 3] |= sample << (8 - o.depth - (bit & 7));
        bit += o.depth;
      }
    const type = filter(row);
    out.push(type);
    for (let i = 0; i < length; i++) {
      const a = i >= bpp ? raw[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
      out.push((raw[i] - predictor) & 255);
    }
    prev = raw;
  });
  return out;
}

/** A PNG of `o`: width, height, colour, depth, pixel(x, y) → samples, interlace, filter(row),
 * palette (flat RGB), trns, and hooks to change the chunks or the zlib stream. */
function writePng(o) {
  const range = (n) => [...Array(n).keys()];
  const filter = o.filter ?? (() => 0);
  let raw = [];
  if (o.interlace) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const xs = range(Math.max(0, Math.ceil((o.width - x0) / dx))).map((i) => x0 + i * dx);
      const ys = range(Math.max(0, Math.ceil((o.height - y0) / dy))).map((i) => y0 + i * dy);
      if (xs.length && ys.length) raw.push(...scanlines(o, xs, ys, filter));
    }
  } else raw = scanlines(o, range(o.width), range(o.height), filter);
  if (o.rawHook) raw = o.rawHook(raw);
  let z = [...deflateSync(Uint8Array.from(raw), { level: o.level ?? 6 })];
  if (o.zlibHook) z = o.zlibHook(z);
  const ihdr = [...be32(o.width), ...be32(o.height), o.depth, o.colour, 0, 0, o.interlace ? 1 : 0];
  const before = [...chunk('IHDR', ihdr)];
  if (o.palette) before.push(...chunk('PLTE', o.palette));
  if (o.trns) before.push(...chunk('tRNS', o.trns));
  const idats = [];
  const split = o.split ?? 65536;
  for (let i = 0; i < z.length || i === 0; i += split)
    idats.push(chunk('IDAT', z.slice(i, i + split)));
  const parts = { before, idats: idats.flat(), after: chunk('IEND', []) };
  if (o.chunks) o.chunks(parts);
  return Uint8Array.from([...SIGNATURE, ...parts.before, ...parts.idats, ...parts.after]);
}

// --- the corpus ------------------------------------------------------------------------------

function* fixtures(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* fixtures(path);
    else if (/\.png$/i.test(name)) yield { name: relative(root, path), bytes: readFileSync(path) };
  }
}

async function photo(file, width, height) {
  const { data, info } = await sharp(file)
    .toColourspace('srgb')
    .resize(width, height, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // A soft alpha ramp (with fully transparent and opaque corners) over the photo.
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++)
      data[(y * info.width + x) * 4 + 3] = Math.min(
        255,
        Math.max(0, ((x + y) * 300) / (info.width + info.height) - 20),
      );
  return {
    name: `${file.split('/').pop()}@${info.width}x${info.height}`,
    data,
    width: info.width,
    height: info.height,
  };
}

async function* sharpVariants(image) {
  const raw = { raw: { width: image.width, height: image.height, channels: 4 } };
  const opaque = () => sharp(image.data, raw).removeAlpha();
  const alpha = () => sharp(image.data, raw);
  const kinds = {
    rgb: opaque,
    rgba: alpha,
    grey: () => opaque().toColourspace('b-w'),
    'grey+alpha': () => alpha().toColourspace('b-w'),
    rgb16: () => opaque().toColourspace('rgb16'),
    rgba16: () => alpha().toColourspace('rgb16'),
    grey16: () => opaque().toColourspace('grey16'),
  };
  for (const [kind, input] of Object.entries(kinds))
    for (const progressive of [false, true])
      for (const adaptiveFiltering of [false, true])
        yield {
          name: `${image.name} sharp ${kind}${progressive ? ' interlaced' : ''}${adaptiveFiltering ? ' filtered' : ''}`,
          bytes: await input().png({ progressive, adaptiveFiltering }).toBuffer(),
        };
  for (const colours of [2, 4, 16, 256])
    for (const [label, input] of [
      ['', opaque],
      [' alpha', alpha],
    ])
      for (const progressive of [false, true])
        yield {
          name: `${image.name} sharp palette ${colours}${label}${progressive ? ' interlaced' : ''}`,
          bytes: await input().png({ palette: true, colours, progressive, dither: 0.5 }).toBuffer(),
        };
}

/** Every colour type and depth from the photo, with each filter and options. */
function* ownVariants(image, next) {
  const at = (x, y, c) => image.data[(y * image.width + x) * 4 + c];
  const grey = (x, y) =>
    Math.round(0.299 * at(x, y, 0) + 0.587 * at(x, y, 1) + 0.114 * at(x, y, 2));
  // 16-bit: the high byte from the photo, a low byte that would round it up half the time.
  const wide = (v, x, y) => (v << 8) | ((x * 37 + y * 91 + v) & 255);
  const combos = [
    [0, 1],
    [0, 2],
    [0, 4],
    [0, 8],
    [0, 16],
    [2, 8],
    [2, 16],
    [3, 1],
    [3, 2],
    [3, 4],
    [3, 8],
    [4, 8],
    [4, 16],
    [6, 8],
    [6, 16],
  ];
  const base = (colour, depth) => ({
    width: image.width,
    height: image.height,
    colour,
    depth,
    pixel(x, y) {
      const g = grey(x, y);
      if (depth < 8) return [g >> (8 - depth)];
      if (colour === 3) return [g];
      const s = (v) => (depth === 16 ? wide(v, x, y) : v);
      const rgb = [s(at(x, y, 0)), s(at(x, y, 1)), s(at(x, y, 2))];
      const a = s(at(x, y, 3));
      return { 0: [s(g)], 2: rgb, 4: [s(g), a], 6: [...rgb, a] }[colour];
    },
  });
  const palette = (entries) => Array.from({ length: entries * 3 }, (_, i) => (i * 53 + 17) & 255);
  for (const [colour, depth] of combos)
    for (const interlace of [false, true])
      for (const filter of [0, 1, 2, 3, 4, 'random']) {
        const o = { ...base(colour, depth), interlace };
        o.filter = filter === 'random' ? () => Math.floor(next() * 5) : () => filter;
        if (colour === 3) o.palette = palette(1 << depth);
        yield {
          name: `${image.name} own c${colour} d${depth}${interlace ? ' i' : ''} f${filter}`,
          bytes: writePng(o),
        };
      }
  // tRNS: colour keys (a value present in the image), palettes with alpha, and the odd ones.
  const key = (colour, depth) => {
    const o = base(colour, depth);
    const v = o.pixel(3, 2);
    return v.flatMap((s) => (depth === 16 ? [s >> 8, s & 255] : [0, depth < 8 ? s : s]));
  };
  const trnsCases = [
    ['grey1 key', 0, 1, key(0, 1)],
    ['grey2 key', 0, 2, key(0, 2)],
    ['grey4 key', 0, 4, key(0, 4)],
    ['grey8 key', 0, 8, key(0, 8)],
    ['grey8 key high byte set', 0, 8, [1, key(0, 8)[1]]],
    ['grey16 key', 0, 16, key(0, 16)],
    ['grey16 key too long', 0, 16, [...key(0, 16), 0]],
    ['rgb8 key', 2, 8, key(2, 8)],
    ['rgb8 key long', 2, 8, [...key(2, 8), 9, 9]],
    ['rgb16 key', 2, 16, key(2, 16)],
    ['palette8 alpha', 3, 8, Array.from({ length: 200 }, (_, i) => (i * 7) & 255)],
    ['palette4 alpha short', 3, 4, [0, 128, 255, 3]],
    ['palette2 alpha too long', 3, 2, [0, 0, 0, 0, 0]],
    ['palette1 alpha empty', 3, 1, []],
  ];
  for (const [label, colour, depth, trns] of trnsCases)
    for (const interlace of [false, true]) {
      const o = { ...base(colour, depth), interlace, trns, filter: () => Math.floor(next() * 5) };
      if (colour === 3) o.palette = palette(1 << depth);
      if (label.startsWith('grey8 key') || label.startsWith('grey16') || label.startsWith('rgb'))
        o.pixel = ((pixel) => (x, y) =>
          (x + y) % 5 === 0 ? base(colour, depth).pixel(3, 2) : pixel(x, y))(o.pixel);
      yield { name: `${image.name} own tRNS ${label}${interlace ? ' i' : ''}`, bytes: writePng(o) };
    }
  // Palettes shorter than the indices used (black past the end), and odd-length ones.
  for (const entries of [0, 1, 5, 100])
    for (const extra of [0, 2])
      yield {
        name: `${image.name} own palette of ${entries} entries +${extra} bytes`,
        bytes: writePng({
          ...base(3, 8),
          palette: palette(entries).concat(Array(extra).fill(200)),
          trns: entries > 2 ? [10, 20] : undefined,
        }),
      };
  const plain = base(6, 8);
  yield {
    name: `${image.name} own IDAT in 1-byte chunks`,
    bytes: writePng({ ...plain, split: 1 }),
  };
  yield { name: `${image.name} own stored (level 0)`, bytes: writePng({ ...plain, level: 0 }) };
  yield {
    name: `${image.name} own bad filter type`,
    bytes: writePng({ ...plain, filter: (r) => (r === 3 ? 5 : 0) }),
  };
  yield {
    name: `${image.name} own one row short`,
    bytes: writePng({ ...plain, rawHook: (r) => r.slice(0, r.length - (image.width * 4 + 1)) }),
  };
  yield {
    name: `${image.name} own one byte short`,
    bytes: writePng({ ...plain, rawHook: (r) => r.slice(0, -1) }),
  };
  yield {
    name: `${image.name} own extra rows`,
    bytes: writePng({ ...plain, rawHook: (r) => r.concat(r.slice(0, 300)) }),
  };
  yield {
    name: `${image.name} own no Adler-32`,
    bytes: writePng({ ...plain, zlibHook: (z) => z.slice(0, -4) }),
  };
  yield {
    name: `${image.name} own bad Adler-32`,
    bytes: writePng({ ...plain, zlibHook: (z) => z.slice(0, -1).concat([z.at(-1) ^ 1]) }),
  };
  yield {
    name: `${image.name} own stream cut by 20`,
    bytes: writePng({ ...plain, zlibHook: (z) => z.slice(0, -20) }),
  };
  yield {
    name: `${image.name} own garbage after stream`,
    bytes: writePng({ ...plain, zlibHook: (z) => z.concat([1, 2, 3, 4, 5]) }),
  };
  yield {
    name: `${image.name} own bad zlib header`,
    bytes: writePng({ ...plain, zlibHook: (z) => [0x78, 0x9d, ...z.slice(2)] }),
  };
  yield {
    name: `${image.name} own zlib window 64K`,
    bytes: writePng({ ...plain, zlibHook: (z) => [0x88, 0x98, ...z.slice(2)] }),
  };
  yield {
    name: `${image.name} own zlib preset dictionary`,
    bytes: writePng({ ...plain, zlibHook: (z) => [0x78, 0xbb, ...z.slice(2)] }),
  };
  yield {
    name: `${image.name} own bad CRC`,
    bytes: writePng({ ...plain, chunks: (p) => (p.idats[p.idats.length - 1] ^= 0xff) }),
  };
  yield {
    name: `${image.name} own no IEND`,
    bytes: writePng({ ...plain, chunks: (p) => (p.after = []) }),
  };
  yield {
    name: `${image.name} own IEND cut`,
    bytes: writePng({ ...plain, chunks: (p) => (p.after = p.after.slice(0, 8)) }),
  };
  yield {
    name: `${image.name} own IEND cut to 7`,
    bytes: writePng({ ...plain, chunks: (p) => (p.after = p.after.slice(0, 7)) }),
  };
  yield {
    name: `${image.name} own text after IDAT`,
    bytes: writePng({ ...plain, chunks: (p) => p.after.unshift(...chunk('tEXt', [65, 0, 66])) }),
  };
  yield {
    name: `${image.name} own gAMA sRGB cHRM`,
    bytes: writePng({
      ...plain,
      chunks: (p) =>
        p.before.push(
          ...chunk('gAMA', be32(100000)),
          ...chunk('sRGB', [0]),
          ...chunk('cHRM', Array(32).fill(1)),
        ),
    }),
  };
  // APNG: acTL, and an fcTL before the IDAT (the default image is the first frame) or after it
  // (not part of the animation), then a second frame in fdAT.
  const fctl = (seq, w, h) =>
    chunk('fcTL', [
      ...be32(seq),
      ...be32(w),
      ...be32(h),
      ...be32(0),
      ...be32(0),
      0,
      1,
      0,
      10,
      0,
      0,
    ]);
  const fdat = (seq) =>
    chunk('fdAT', [...be32(seq), ...deflateSync(Uint8Array.from(Array(2 * (1 + 4 * 2)).fill(0)))]);
  for (const inAnimation of [true, false])
    yield {
      name: `${image.name} own APNG IDAT ${inAnimation ? 'first frame' : 'not in the animation'}`,
      bytes: writePng({
        ...plain,
        chunks: (p) => {
          p.before.push(...chunk('acTL', [...be32(2), ...be32(0)]));
          if (inAnimation) p.before.push(...fctl(0, image.width, image.height));
          p.after.unshift(...fctl(inAnimation ? 1 : 0, 2, 2), ...fdat(inAnimation ? 2 : 1));
        },
      }),
    };
}

async function* corpus(next) {
  yield* fixtures(resolve(root, 'test', 'fixtures'));
  const sizes = [
    [61, 47],
    [8, 8],
    [1, 1],
    [3, 130],
    [257, 33],
  ];
  const photos = fixturePhotos().slice(0, 2);
  for (const [i, file] of photos.entries())
    for (const [w, h] of sizes.slice(i ? 1 : 0, i ? sizes.length : 2)) {
      const image = await photo(file, w, h);
      yield* sharpVariants(image);
      yield* ownVariants(image, next);
    }
}

// --- the run ------------------------------------------------------------------------------------

const [referencePath, oursPath = resolve(root, 'wasm', 'dist', 'png_dec.js')] =
  process.argv.slice(2);
if (!referencePath) {
  console.error(
    'usage: node wasm/png/check-decoder.mjs REFERENCE.wasm|BEFORE/png_dec.js [AFTER/png_dec.js]',
  );
  process.exit(2);
}
const reference = await load(referencePath);
const ours = await load(oursPath);
const next = random(7);
const sample = [];
let files = 0,
  decoded = 0,
  differ = 0;
for await (const { name, bytes } of corpus(next)) {
  files++;
  const x = reference(bytes);
  const y = ours(bytes);
  if (x.ok) decoded++;
  const same =
    x.ok === y.ok &&
    (!x.ok ||
      (x.width === y.width &&
        x.height === y.height &&
        x.data.length === y.data.length &&
        x.data.every((v, i) => v === y.data[i])));
  if (!same && ++differ <= 30) {
    const at = x.ok && y.ok ? x.data.findIndex((v, i) => v !== y.data[i]) : -1;
    console.log(
      `DIFFER ${name}: ${x.ok ? `${x.width}x${x.height}` : `fails (${x.error})`} vs ${y.ok ? `${y.width}x${y.height}` : `fails (${y.error})`}${at >= 0 ? `, first difference at byte ${at} (${x.data[at]} vs ${y.data[at]})` : ''}`,
    );
  }
  if (bytes.length < 200_000 && (files % 3 === 0 || name.startsWith('test')))
    sample.push({ name, bytes });
}
console.log(`${files} PNGs (${decoded} decoded by the reference), ${differ} differ`);

// Mutants: bytes overwritten, bits flipped, the tail cut. Ours must answer each, quickly.
const MUTANTS = Number(process.env.PNG_MUTANTS ?? 4000);
let refused = 0,
  agreed = 0,
  slowest = 0;
for (let run = 0; run < MUTANTS; run++) {
  const { bytes } = sample[run % sample.length];
  const out = Uint8Array.from(bytes);
  const kind = next();
  let mutant = out;
  if (kind < 0.4) {
    for (let i = 1 + Math.floor(next() * 8); i > 0; i--)
      out[Math.floor(next() * out.length)] ^= 1 << Math.floor(next() * 8);
  } else if (kind < 0.7) {
    for (let i = 1 + Math.floor(next() * 16); i > 0; i--)
      out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
  } else mutant = out.subarray(0, Math.floor(next() * out.length));
  const started = performance.now();
  const y = ours(mutant);
  slowest = Math.max(slowest, performance.now() - started);
  if (!y.ok) refused++;
  const x = reference(mutant);
  if (x.ok === y.ok && (!x.ok || x.data.every((v, i) => v === y.data[i]))) agreed++;
  else if (process.env.PNG_VERBOSE)
    console.log(
      `mutant ${run} of ${sample[run % sample.length].name}: ${x.ok || x.error} vs ${y.ok || y.error}`,
    );
}
console.log(
  `${MUTANTS} mutants: ${MUTANTS - refused} decoded, ${refused} refused, slowest ${slowest.toFixed(1)} ms; the reference agreed on ${agreed}`,
);
process.exit(differ ? 1 : 0);
