#!/usr/bin/env node
// Byte-identity check of two builds of our JPEG encoder (wasm/dist/jpeg_enc.js or a variant):
//
//   node wasm/jpeg/check-encoder.mjs BEFORE/jpeg_enc.js AFTER/jpeg_enc.js
//
// Encodes the test photos (and one resized to odd sizes down to 1×1), synthetic images (noise,
// a gradient, flat colour, hard edges, the 64 DCT basis patterns at full swing) at qualities
// 1..100 (4:2:0 below 90, 4:4:4 from 90), baseline and progressive, with both builds, and fails
// if any output differs by a byte. Checks that our encoder patches (wasm/jpeg/encoder-*.patch)
// change no output; needs sharp (a dev dependency) to read the photos.
/* global console, process -- Node (eslint.config.js gives Node globals to scripts/ only) */
import sharp from 'sharp';
import { random } from '../../bench/random.mjs';
import { fixturePhotos, loadBuild } from '../build-checks.mjs';

/** As src/wasm/jpeg-encoder.ts: RGBA rows pushed in strips. */
function encode(m, { data, width, height }, quality, progressive) {
  try {
    // Optimised tables (the last argument): both builds take the same path.
    const strip = m._jpeg_enc_begin(width, height, quality, progressive ? 1 : 0, 1);
    if (strip === 0) throw new Error('jpeg_enc_begin failed');
    const rows = m._jpeg_enc_strip_rows();
    for (let y = 0; y < height; y += rows) {
      const n = Math.min(rows, height - y);
      m.HEAPU8.set(data.subarray(y * width * 4, (y + n) * width * 4), strip);
      if (m._jpeg_enc_push(n) !== 0) throw new Error('jpeg_enc_push failed');
    }
    const out = m._jpeg_enc_finish();
    if (out === 0) throw new Error('jpeg_enc_finish failed');
    return m.HEAPU8.slice(out, out + m._jpeg_enc_size());
  } finally {
    m._jpeg_enc_release();
  }
}

function synthetic(name, width, height, pixel) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b, a = 255] = pixel(x, y);
      data.set([r, g, b, a], (y * width + x) * 4);
    }
  return { name, data, width, height };
}

async function photo(file, resize) {
  let pipeline = sharp(file).toColourspace('srgb');
  if (resize) pipeline = pipeline.resize(resize.width, resize.height, { fit: 'fill' });
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const name = `${file.split('/').pop()}${resize ? `@${info.width}x${info.height}` : ''}`;
  return {
    name,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

async function images() {
  const files = fixturePhotos();
  const list = [];
  for (const file of files) list.push(await photo(file));
  const big = files.find((f) => f.includes('2569067123')) ?? files[0];
  for (const [width, height] of [
    [1, 1],
    [8, 8],
    [17, 9],
    [9, 17],
    [31, 33],
    [333, 257],
    [1920, 1080],
  ])
    list.push(await photo(big, { width, height }));
  const noise = random(42);
  // Noise (every coefficient busy, long codes) with random alpha, which the encoder ignores.
  list.push(
    synthetic('noise 257x131', 257, 131, () => [
      noise() * 256,
      noise() * 256,
      noise() * 256,
      noise() * 256,
    ]),
  );
  list.push(
    synthetic('gradient 640x480', 640, 480, (x, y) => [
      (x * 255) / 639,
      (y * 255) / 479,
      ((x + y) * 255) / 1118,
    ]),
  );
  list.push(synthetic('flat 40x24', 40, 24, () => [200, 30, 90]));
  list.push(
    synthetic('black-white 48x48', 48, 48, (x, y) =>
      ((x >> 3) + (y >> 3)) % 2 ? [255, 255, 255] : [0, 0, 0],
    ),
  );
  // Each DCT basis function at full swing (0 and 255 by the sign of its cosines), and negated:
  // the largest coefficients 8-bit samples can give, in every channel combination.
  const sign = (u, i) => Math.cos(((2 * i + 1) * u * Math.PI) / 16) >= 0;
  list.push(
    synthetic('basis extremes 128x64', 128, 64, (x, y) => {
      const u = (x >> 3) & 7,
        v = (y >> 3) & 7,
        flip = x >= 64;
      const s = sign(u, y & 7) === sign(v, x & 7) ? !flip : flip;
      const value = s ? 255 : 0;
      return [value, 255 - value, (x ^ y) & 1 ? value : 255 - value];
    }),
  );
  return list;
}

/**
 * encoder-simd.patch quantises with a 16-bit-word reciprocal in 32-bit lanes, where quantize()
 * uses a 32-bit one and a 64-bit product: both, as compute_reciprocal() and the patch compute
 * them, for every divisor of 8-bit baseline tables (1..255 × 8) and every |x| < 2^15.
 */
function checkQuotients() {
  const reciprocal = (divisor, word) => {
    const b = 31 - Math.clz32(divisor);
    let r = word + b;
    let fq = Math.floor(2 ** r / divisor);
    const fr = 2 ** r % divisor;
    let c = Math.floor(divisor / 2);
    if (fr === 0) {
      fq = Math.floor(fq / 2);
      r--;
    } else if (fr <= Math.floor(divisor / 2)) c++;
    else fq++;
    return { fq, c, shift: r - word };
  };
  let checked = 0;
  for (let q = 1; q <= 255; q++) {
    const c32 = reciprocal(q * 8, 32);
    const c16 = reciprocal(q * 8, 16);
    const scale = 2 ** (16 - c16.shift);
    for (let x = 0; x < 32768; x++, checked++) {
      const quotient = Math.floor(((x + c32.c) * c32.fq) / 2 ** (32 + c32.shift));
      const product = (x + c16.c) * c16.fq; // one u32 lane: must stay below 2^32
      const lane = Math.floor((Math.floor(product / 65536) * scale) / 65536);
      if (product >= 2 ** 32 || lane !== quotient)
        throw new Error(`quotients differ: divisor ${q * 8}, x ${x}: ${quotient} vs ${lane}`);
    }
  }
  console.log(`quantiser: ${checked} quotients identical`);
}

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node wasm/jpeg/check-encoder.mjs BEFORE.js AFTER.js');
  process.exit(2);
}
checkQuotients();
const a = await loadBuild(before);
const b = await loadBuild(after);
const qualities = [1, 10, 25, 50, 75, 80, 85, 89, 90, 95, 98, 100];
let count = 0;
let differ = 0;
for (const image of await images()) {
  for (const quality of qualities)
    for (const progressive of [false, true]) {
      const x = encode(a, image, quality, progressive);
      const y = encode(b, image, quality, progressive);
      count++;
      const same = x.length === y.length && x.every((v, i) => v === y[i]);
      if (!same) {
        differ++;
        const at = x.findIndex((v, i) => v !== y[i]);
        console.log(
          `DIFFER ${image.name} ${image.width}x${image.height} q${quality} ${progressive ? 'progressive' : 'baseline'}: ${x.length} vs ${y.length} bytes, first difference at ${at}`,
        );
      }
    }
  console.log(
    `${image.name} ${image.width}x${image.height}: ${qualities.length * 2} encodings compared`,
  );
}
console.log(`${count} encodings, ${differ} differ`);
process.exit(differ ? 1 : 0);
