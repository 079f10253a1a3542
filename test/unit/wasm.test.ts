import { describe, expect, it } from 'vitest';
import { decodeImage, probeImage } from '../../src/formats/registry';
import { errorResponse } from '../../src/response/error';
import { BosError } from '../../src/errors';
import { resampleRgba } from '../../src/wasm/kernels';
import { isOutOfMemory, wasmMemoryBytes, WasmOutOfMemory } from '../../src/wasm/loader';
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
    expect(wasmMemoryBytes().png).toBeUndefined();
    const small = fixture('formats/with-alpha.png');
    await decodeImage(small, probeImage(small), { scale: 1 });
    expect(wasmMemoryBytes().png).toBeLessThan(8 * MIB);
  });

  it('HEIC decodes free their libheif context: thirty decodes need no more memory than one', async () => {
    const heic = fixture('formats/example.heic');
    await decodeImage(heic, probeImage(heic), { scale: 1 });
    const first = wasmMemoryBytes()['heic-dec'];
    for (let i = 0; i < 30; i++) await decodeImage(heic, probeImage(heic), { scale: 1 });
    expect(wasmMemoryBytes()['heic-dec']).toBe(first);
  }, 60_000);
});
