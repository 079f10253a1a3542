import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../src/image';
import { applyOrientation } from '../../src/kernels/orient';
import { rotatedSize, rotateFrame } from '../../src/kernels/rotation';
import { rotateReference } from '../helpers/rotate-reference';
import { accepts } from '../../src/request/negotiate';
import { resolveRange } from '../../src/handlers/original';

/** A 3×2 image whose pixel at (x, y) holds the value 10·y + x in every channel. */
const coordinates = (): RasterImage => {
  const data = new Uint8Array(3 * 2 * 4);
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++) data.fill(10 * y + x, (y * 3 + x) * 4, (y * 3 + x + 1) * 4);
  return { width: 3, height: 2, hasAlpha: false, frames: [{ data, delayMs: 0 }] };
};
const grid = (image: RasterImage) => {
  const frame = image.frames[0]!.data;
  return Array.from({ length: image.height }, (_, y) =>
    Array.from({ length: image.width }, (_, x) => frame[(y * image.width + x) * 4]),
  );
};

describe('EXIF orientation, pixel-exact', () => {
  it.each([
    [
      1,
      [
        [0, 1, 2],
        [10, 11, 12],
      ],
    ],
    [
      2,
      [
        [2, 1, 0],
        [12, 11, 10],
      ],
    ],
    [
      3,
      [
        [12, 11, 10],
        [2, 1, 0],
      ],
    ],
    [
      4,
      [
        [10, 11, 12],
        [0, 1, 2],
      ],
    ],
    [
      5,
      [
        [0, 10],
        [1, 11],
        [2, 12],
      ],
    ],
    [
      6,
      [
        [10, 0],
        [11, 1],
        [12, 2],
      ],
    ],
    [
      7,
      [
        [12, 2],
        [11, 1],
        [10, 0],
      ],
    ],
    [
      8,
      [
        [2, 12],
        [1, 11],
        [0, 10],
      ],
    ],
  ])('orientation %i', (orientation, expected) => {
    expect(grid(applyOrientation(coordinates(), orientation))).toEqual(expected);
  });
});

describe('Range requests', () => {
  it.each([
    ['bytes=0-9', { kind: 'range', offset: 0, length: 10 }],
    ['bytes=90-', { kind: 'range', offset: 90, length: 10 }],
    ['bytes=-5', { kind: 'range', offset: 95, length: 5 }],
    ['bytes=95-200', { kind: 'range', offset: 95, length: 5 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=0-1,4-5', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
  ])('%s of 100 bytes', (header, expected) => {
    expect(resolveRange(header, 100)).toEqual(expected);
  });
});

describe('Accept negotiation', () => {
  it('needs the type listed with q > 0; wildcards do not count', () => {
    expect(accepts('image/avif,image/webp,*/*', 'image/webp')).toBe(true);
    expect(accepts('image/webp;q=0', 'image/webp')).toBe(false);
    expect(accepts('image/webp;q=0.5', 'image/webp')).toBe(true);
    expect(accepts('*/*', 'image/webp')).toBe(false);
    expect(accepts('image/jpeg', 'image/webp')).toBe(false);
  });
});

describe('origin URLs', () => {
  it('encodes each key segment and refuses dot segments', async () => {
    const { originUrl } = await import('../../src/source/origin');
    expect(originUrl('http://o/img', 'a b/ü?.jpg')).toBe('http://o/img/a%20b/%C3%BC%3F.jpg');
    expect(() => originUrl('http://o/img', '../secret.jpg')).toThrow();
    expect(() => originUrl('http://o/img', 'a/./b.jpg')).toThrow();
  });
});

describe('rotation by any angle (wasm SIMD) against the double-precision reference', () => {
  /** A 97×61 frame of smooth gradients and noise, with a transparent hole when `alpha`. */
  const frame = (alpha: boolean) => {
    const width = 97;
    const height = 61;
    const data = new Uint8Array(width * height * 4);
    let seed = 7;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const i = (y * width + x) * 4;
        data[i] = (x * 255) / width;
        data[i + 1] = (y * 255) / height;
        data[i + 2] = seed >>> 24;
        const inHole = (x - 40) ** 2 + (y - 30) ** 2 < 150;
        data[i + 3] = alpha ? (inHole ? 0 : 128 + ((x * 3) & 127)) : 255;
      }
    }
    return { data, size: { width, height } };
  };

  it.each([
    [10, false],
    [-33, false],
    [45, true],
    [137, true],
    [271, false],
    [359, true],
  ])('%i° (alpha %s): every channel within 1 of the reference', (degrees, alpha) => {
    const { data, size } = frame(alpha);
    const out = rotatedSize(size, degrees);
    const background = alpha ? ([0, 0, 0, 0] as const) : ([255, 255, 255, 255] as const);
    const ours = rotateFrame(data, size, degrees, out, background);
    const reference = rotateReference(data, size, degrees, out, background);
    expect(ours.length).toBe(reference.length);
    let worst = 0;
    let differing = 0;
    for (let i = 0; i < ours.length; i++) {
      const delta = Math.abs((ours[i] as number) - (reference[i] as number));
      worst = Math.max(worst, delta);
      if (delta > 0) differing++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    // Float against double: rounding ties differ on a few values at most.
    expect(differing / ours.length).toBeLessThan(0.01);
  });
});
