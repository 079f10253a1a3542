import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  blurInPlace,
  brightTable,
  contrastTable,
  grayscaleInPlace,
  mapRgbInPlace,
  sharpenInPlace,
} from '../../src/kernels/effects';
import { fixture, similarity } from '../helpers/images';

const W = 600;
const H = 490;
/** The street photo at 600×490 RGBA, with a varying alpha so "alpha untouched" can fail. */
async function photo(): Promise<Uint8Array> {
  const { data } = await sharp(fixture('photo/2569067123_aca715a2ee_o.jpg'))
    .resize(W, H, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 3; i < data.length; i += 4) data[i] = (i >> 2) % 251;
  return new Uint8Array(data);
}
const png = (data: Uint8Array) =>
  sharp(Buffer.from(data), { raw: { width: W, height: H, channels: 4 } });
/** The colour channels only, as a PNG (alpha dropped so SSIM compares colour). */
const rgb = (data: Uint8Array) => png(data).removeAlpha().png().toBuffer();
const alphaOf = (data: Uint8Array) => data.filter((_, i) => i % 4 === 3);

/** The exact truncated Gaussian as a 1-D kernel, for sharp's convolve (edges extended). */
function gaussian(radius: number, sigma: number): number[] {
  const k = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}
/**
 * The oracle: direct separable convolution with the exact truncated kernel, edges extended, in
 * floating point (sharp's convolve treats edges differently), rounded once per pass as ours is.
 */
const referenceBlur = async (data: Uint8Array, radius: number, sigma: number) => {
  const kernel = gaussian(radius, sigma);
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const across = new Float64Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) {
        let t = 0;
        for (let i = -radius; i <= radius; i++)
          t += (kernel[i + radius] as number) * (data[(y * W + clamp(x + i, W)) * 4 + c] as number);
        across[(y * W + x) * 3 + c] = Math.round(t);
      }
  const out = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) {
        let t = 0;
        for (let i = -radius; i <= radius; i++)
          t +=
            (kernel[i + radius] as number) * (across[(clamp(y + i, H) * W + x) * 3 + c] as number);
        out[(y * W + x) * 3 + c] = Math.round(t);
      }
  return out;
};
const rgbPng = (raw: Buffer) =>
  sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();

describe('bright, contrast, grayscale: the formulas of §3.8, §3.9, §3.12, exactly', () => {
  it('tables', () => {
    expect(brightTable(20)[100]).toBe(151);
    expect(brightTable(-100)[255]).toBe(0);
    expect(brightTable(100)[0]).toBe(255);
    expect(contrastTable(0).every((v, i) => v === i)).toBe(true);
    expect(contrastTable(-100).every((v) => v === 128)).toBe(true);
    expect(contrastTable(50)[200]).toBe(236);
    expect(contrastTable(50)[10]).toBe(0);
  });

  it('act on R, G, B and keep alpha', async () => {
    const data = await photo();
    const before = data.slice();
    const darker = brightTable(-30);
    mapRgbInPlace(data, darker);
    expect(data[0]).toBe(Math.max(0, Math.round((before[0] as number) - 76.5)));
    expect(alphaOf(data)).toEqual(alphaOf(before));
    grayscaleInPlace(data);
    const [r, g, b] = [before[4], before[5], before[6]].map((v) => darker[v as number] as number);
    // Rec. 601 in integers: exact halves round up.
    expect(data[4]).toBe(Math.floor((299 * r! + 587 * g! + 114 * b! + 500) / 1000));
    expect(data[5]).toBe(data[4]);
    expect(alphaOf(data)).toEqual(alphaOf(before));
  });
});

describe('blur (§3.11): a truncated Gaussian whose cost does not grow with the radius', () => {
  it.each([
    [3, 2, 0.995],
    [7, 3, 0.995],
    [20, 8, 0.99],
    [50, 20, 0.99],
    [5, 50, 0.99],
  ])('r_%i,s_%i matches the exact kernel (SSIM ≥ %f)', async (radius, sigma, floor) => {
    const data = await photo();
    const before = data.slice();
    blurInPlace(data, { width: W, height: H }, radius, sigma);
    expect(alphaOf(data)).toEqual(alphaOf(before));
    expect(
      await similarity(await rgb(data), await rgbPng(await referenceBlur(before, radius, sigma))),
    ).toBeGreaterThanOrEqual(floor);
  });

  it("matches sharp's blur(sigma) when the radius covers the kernel", async () => {
    const data = await photo();
    const before = data.slice();
    blurInPlace(data, { width: W, height: H }, 4, 2);
    const reference = png(before).removeAlpha().blur(2);
    expect(await similarity(await rgb(data), reference)).toBeGreaterThanOrEqual(0.98);
  });

  it('degenerate frames and the largest radius', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 7],
      [9, 1],
      [3, 200],
    ] as const) {
      const frame = new Uint8Array(w * h * 4).fill(200);
      blurInPlace(frame, { width: w, height: h }, 50, 50);
      sharpenInPlace(frame, { width: w, height: h }, 50, 1);
      expect(frame.every((v) => v === 200)).toBe(true);
    }
  });

  it('keeps flat areas exact and does not shift the edges', () => {
    const flat = new Uint8Array(64 * 32 * 4).fill(77);
    blurInPlace(flat, { width: 64, height: 32 }, 9, 4);
    expect(flat.every((v) => v === 77)).toBe(true);
    // A left-right symmetric picture stays symmetric: nothing drifts toward one edge.
    const w = 41;
    const mirrored = new Uint8Array(w * 10 * 4);
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.abs(x - 20) * 12;
        mirrored.set([v, 255 - v, Math.abs(x - 20) % 3 === 0 ? 200 : 20, 255], (y * w + x) * 4);
      }
    blurInPlace(mirrored, { width: w, height: 10 }, 6, 3);
    for (let x = 0; x < w; x++) {
      expect(Array.from(mirrored.subarray(x * 4, x * 4 + 3))).toEqual(
        Array.from(mirrored.subarray((40 - x) * 4, (40 - x) * 4 + 3)),
      );
    }
  });
});

describe('sharpen (§3.10): out = in + (in − gauss(in; r, s))', () => {
  it('is the unsharp mask of the exact kernel on a photo, alpha kept', async () => {
    const data = await photo();
    const before = data.slice();
    sharpenInPlace(data, { width: W, height: H }, 2, 2);
    expect(alphaOf(data)).toEqual(alphaOf(before));
    const blurred = await referenceBlur(before, 2, 2);
    const expected = new Uint8Array(W * H * 3);
    for (let p = 0; p < W * H; p++)
      for (let c = 0; c < 3; c++) {
        const v = 2 * (before[p * 4 + c] as number) - (blurred[p * 3 + c] as number);
        expected[p * 3 + c] = Math.min(255, Math.max(0, v));
      }
    const exact = sharp(Buffer.from(expected), { raw: { width: W, height: H, channels: 3 } });
    expect(await similarity(await rgb(data), exact)).toBeGreaterThanOrEqual(0.995);
    // sharp.sharpen is not this operation (it sharpens L* with clamped gains), so the oracle is
    // the formula on the exact kernel above; sharpening must also raise the local contrast.
    const energy = (d: Uint8Array) => {
      let e = 0;
      for (let i = 4; i < d.length; i += 4) e += Math.abs((d[i] as number) - (d[i - 4] as number));
      return e;
    };
    expect(energy(data)).toBeGreaterThan(1.2 * energy(before));
  });
});
