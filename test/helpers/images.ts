import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ssim } from 'ssim.js';

/** The repository's own fixtures (provenance in test/fixtures/MANIFEST.md), wherever tests run from. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const fixture = (path: string): Buffer => readFileSync(resolve(FIXTURES, path));

/** A smooth, detailed, deterministic test picture (gradients + rings), `width`×`height` RGB. */
export function syntheticRgb(width: number, height: number, channels: 3 | 4 = 3): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const ring = Math.sin(Math.hypot(x - width / 3, y - height / 2) / 9);
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round((255 * y) / (height - 1));
      data[i + 2] = Math.round(127 + 120 * ring);
      if (channels === 4) data[i + 3] = x < width / 4 ? 0 : 255;
    }
  }
  return data;
}

export const syntheticJpeg = (width: number, height: number, quality = 90) =>
  sharp(syntheticRgb(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();

export const syntheticPng = (width: number, height: number, channels: 3 | 4 = 4) =>
  sharp(syntheticRgb(width, height, channels), { raw: { width, height, channels } })
    .png()
    .toBuffer();

export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Decodes any image to RGBA with sharp (the test oracle, never the code under test). */
export async function rgba(input: Buffer | sharp.Sharp): Promise<Pixels> {
  const pipeline = Buffer.isBuffer(input) ? sharp(input) : input;
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
}

/** Mean SSIM of two same-sized images. */
export async function similarity(
  a: Buffer | sharp.Sharp,
  b: Buffer | sharp.Sharp,
): Promise<number> {
  const [x, y] = await Promise.all([rgba(a), rgba(b)]);
  if (x.width !== y.width || x.height !== y.height) {
    throw new Error(`size differs: ${x.width}×${x.height} vs ${y.width}×${y.height}`);
  }
  return ssim(x, y).mssim;
}

export async function dimensions(body: Buffer) {
  const meta = await sharp(body).metadata();
  return { format: meta.format, width: meta.width, height: meta.height };
}
