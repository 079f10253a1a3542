import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../src/image';
import { resample } from '../../src/kernels/resample';
import { fixture, similarity } from '../helpers/images';

const raster = (data: Uint8Array, width: number, height: number, hasAlpha: boolean) => ({
  width,
  height,
  hasAlpha,
  frames: [{ data, delayMs: 0 }],
});
const asSharp = (image: RasterImage) =>
  sharp(Buffer.from(image.frames[0]!.data), {
    raw: { width: image.width, height: image.height, channels: 4 },
  });

describe('resampler (wasm/kernels/resample.c, SIMD Lanczos-3)', () => {
  it('keeps a flat colour exact at every ratio, box pass included', () => {
    const data = new Uint8Array(997 * 601 * 4);
    for (let i = 0; i < data.length; i += 4) data.set([17, 200, 99, 255], i);
    for (const [w, h] of [
      [400, 241],
      [50, 31],
      [7, 3],
      [1500, 900],
    ] as const) {
      const out = resample(raster(data.slice(), 997, 601, false), { width: w, height: h });
      expect(out.width).toBe(w);
      const pixels = out.frames[0]!.data;
      const wrong = pixels.findIndex((v, i) => v !== [17, 200, 99, 255][i % 4]);
      expect(wrong).toBe(-1);
    }
  });

  it.each([
    [400, 327],
    [150, 122],
    [1000, 300],
    [3000, 2450],
  ])("matches sharp's Lanczos-3 on a photo at %i×%i (SSIM ≥ 0.99)", async (width, height) => {
    const { data, info } = await sharp(fixture('photo/2569067123_aca715a2ee_o.jpg'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const source = raster(new Uint8Array(data), info.width, info.height, false);
    const ours = resample(source, { width, height });
    const reference = asSharp(source).resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
    expect(
      await similarity(await asSharp(ours).png().toBuffer(), reference),
    ).toBeGreaterThanOrEqual(0.99);
  });

  it('resamples transparency premultiplied: clear pixels lend no colour to the edge', () => {
    // Left half clear red, right half opaque blue.
    const width = 64;
    const height = 8;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      data.set(i % width < width / 2 ? [255, 0, 0, 0] : [0, 0, 255, 255], i * 4);
    }
    const out = resample(raster(data, width, height, true), { width: 16, height: 2 }).frames[0]!
      .data;
    for (let i = 0; i < out.length; i += 4) {
      if (out[i + 3]! > 0) expect(out[i]!).toBeLessThanOrEqual(1); // no red bleeding in
    }
    // The edge column is partly transparent and still pure blue.
    const edge = out.subarray(8 * 4, 8 * 4 + 4);
    expect(edge[2]).toBeGreaterThanOrEqual(250);
  });

  it('degenerate sizes: single rows, columns and pixels, both ways', () => {
    for (const [sw, sh, dw, dh] of [
      [1, 1, 5, 3],
      [7, 1, 1, 1],
      [1, 9, 1, 2],
      [3000, 1, 10, 1],
      [1, 2000, 3, 700],
      [2, 2, 9999, 1],
    ] as const) {
      const data = new Uint8Array(sw * sh * 4);
      for (let i = 0; i < data.length; i += 4) data.set([9, 99, 199, 255], i);
      const out = resample(raster(data, sw, sh, false), { width: dw, height: dh });
      expect([out.width, out.height]).toEqual([dw, dh]);
      expect(out.frames[0]!.data.every((v, i) => v === [9, 99, 199, 255][i % 4])).toBe(true);
    }
  });

  it('leaves the caller’s pixels untouched', () => {
    const data = new Uint8Array(40 * 40 * 4).map((_, i) => (i * 7) & 255);
    const copy = data.slice();
    resample(raster(data, 40, 40, true), { width: 10, height: 10 });
    expect(Buffer.from(data).equals(Buffer.from(copy))).toBe(true);
  });
});
