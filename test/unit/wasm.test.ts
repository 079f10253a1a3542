import { describe, expect, it } from 'vitest';
import { decodeImage, probeImage } from '../../src/formats/registry';
import { errorResponse } from '../../src/response/error';
import { BosError } from '../../src/errors';
import { resampleRgba } from '../../src/wasm/kernels';
import {
  heldWasmBytes,
  isOutOfMemory,
  wasmMemoryBytes,
  WasmOutOfMemory,
} from '../../src/wasm/loader';
import { fixture, syntheticPng } from '../helpers/images';

const MIB = 1024 * 1024;

describe('the wasm loader', () => {
  it('a module that cannot get memory says so with WasmOutOfMemory, not a client error', () => {
    // The resampler's horizontal pass would need 9999 × 300 000 000 × 4 bytes: over wasm32's 4 GiB.
    const run = () =>
      resampleRgba(
        new Uint8Array(4),
        { width: 1, height: 300_000_000 },
        { width: 9999, height: 1 },
        false,
        { x: 0, y: 0, width: 1, height: 300_000_000 },
      );
    expect(run).toThrow(WasmOutOfMemory);
    expect(isOutOfMemory(new WasmOutOfMemory('kernels'))).toBe(true);
    expect(isOutOfMemory(new BosError('ImageTooLarge'))).toBe(false);
    // The module is usable afterwards.
    const pixels = new Uint8Array(16).fill(200);
    expect(
      resampleRgba(pixels, { width: 2, height: 2 }, { width: 1, height: 1 }, false, {
        x: 0,
        y: 0,
        width: 2,
        height: 2,
      }),
    ).toEqual(new Uint8Array([200, 200, 200, 200]));
  });

  it('answers a misprediction with 503 ServiceUnavailable and Retry-After', async () => {
    const response = errorResponse(new BosError('ServiceUnavailable'), 'id', false);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { code: string }).code).toBe('ServiceUnavailable');
  });

  it('a PNG instance that grew past 32 MiB is dropped after the decode; the next one starts small', async () => {
    const large = await syntheticPng(4000, 3000);
    await decodeImage(large, probeImage(large), { scale: 1 });
    expect(wasmMemoryBytes()['png-dec']).toBeUndefined();
    const small = fixture('formats/with-alpha.png');
    await decodeImage(small, probeImage(small), { scale: 1 });
    expect(wasmMemoryBytes()['png-dec']).toBeLessThan(8 * MIB);
  });

  it('counts what an idle instance grew beyond its first size', async () => {
    // Whether a dropped instance's memory is still held depends on when V8 collects it (Node
    // does so at once), so only the idle growth is asserted here.
    const small = fixture('formats/with-alpha.png');
    await decodeImage(small, probeImage(small), { scale: 1 });
    const before = heldWasmBytes();
    // A 1000×1000 decode grows the PNG instance, which stays, idle, after it.
    const medium = await syntheticPng(1000, 1000);
    await decodeImage(medium, probeImage(medium), { scale: 1 });
    expect(heldWasmBytes() - before).toBeGreaterThan(4 * MIB);
  });

  it('HEIC decodes free their libheif context: thirty decodes need no more memory than one', async () => {
    const heic = fixture('formats/example.heic');
    await decodeImage(heic, probeImage(heic), { scale: 1 });
    const first = wasmMemoryBytes()['heic-dec'];
    for (let i = 0; i < 30; i++) await decodeImage(heic, probeImage(heic), { scale: 1 });
    expect(wasmMemoryBytes()['heic-dec']).toBe(first);
  }, 60_000);
});

describe('the compositing kernel (wasm/kernels/composite.c)', () => {
  const div255 = (x: number) => (x + 128 + ((x + 128) >> 8)) >> 8;
  /** Source-over of straight-alpha pixels, the kernel's own integer arithmetic written plainly. */
  const over = (b: number[], t: number[]): number[] => {
    const [tr, tg, tb, ta] = t as [number, number, number, number];
    const ba = b[3] as number;
    if (ta === 0) return b;
    if (ta === 255 || ba === 0) return [tr, tg, tb, ta];
    if (ba === 255)
      return [0, 1, 2].map((c) => div255(t[c]! * ta + b[c]! * (255 - ta))).concat(255);
    const keep = div255(ba * (255 - ta));
    const oa = ta + keep;
    return [0, 1, 2]
      .map((c) => Math.floor((t[c]! * ta + b[c]! * keep + Math.floor(oa / 2)) / oa))
      .concat(oa);
  };

  it('equals source-over pixel for pixel, opaque and transparent bases, clipped at every edge', async () => {
    const { stampRgba } = await import('../../src/wasm/kernels');
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const size = { width: 37, height: 150 };
    const block = { width: 9, height: 70 };
    const top = Uint8Array.from({ length: block.width * block.height * 4 }, next);
    for (const opaque of [true, false]) {
      const base = Uint8Array.from({ length: size.width * size.height * 4 }, (_, i) =>
        opaque && i % 4 === 3 ? 255 : next(),
      );
      const positions = [
        { x: -4, y: -30 },
        { x: 10, y: 40 },
        { x: 33, y: 120 },
        { x: 15, y: 60 },
      ];
      const expected = Array.from(base);
      for (const { x, y } of positions) {
        for (let row = 0; row < block.height; row++) {
          for (let col = 0; col < block.width; col++) {
            const bx = x + col;
            const by = y + row;
            if (bx < 0 || by < 0 || bx >= size.width || by >= size.height) continue;
            const b = (by * size.width + bx) * 4;
            const t = (row * block.width + col) * 4;
            expected.splice(
              b,
              4,
              ...over(expected.slice(b, b + 4), Array.from(top.subarray(t, t + 4))),
            );
          }
        }
      }
      stampRgba(base, size, top, block, positions);
      expect(Array.from(base)).toEqual(expected);
    }
  });
});
