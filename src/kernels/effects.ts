import type { Size } from '../image';
import { withBlurredRgba } from '../wasm/kernels';

/** Maps R, G and B through a 256-entry table in place; alpha is untouched (PROTOCOL.md §3.12). */
export function mapRgbInPlace(data: Uint8Array, table: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    data[i] = table[data[i] as number] as number;
    data[i + 1] = table[data[i + 1] as number] as number;
    data[i + 2] = table[data[i + 2] as number] as number;
  }
}

const table = (f: (v: number) => number) =>
  Uint8Array.from({ length: 256 }, (_, v) => Math.min(255, Math.max(0, Math.round(f(v)))));

/** §3.8: adds b/100 × 255 to R, G, B, clamped. */
export const brightTable = (b: number) => table((v) => v + (b * 255) / 100);

/** §3.9: v' = (v − 128)·(100 + c)/100 + 128, clamped. */
export const contrastTable = (c: number) => table((v) => ((v - 128) * (100 + c)) / 100 + 128);

/** §3.12: Y = round(0.299 R + 0.587 G + 0.114 B) into R, G and B (Rec. 601 luma). */
export function grayscaleInPlace(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const y =
      ((299 * (data[i] as number) +
        587 * (data[i + 1] as number) +
        114 * (data[i + 2] as number) +
        500) /
        1000) |
      0;
    data[i] = y;
    data[i + 1] = y;
    data[i + 2] = y;
  }
}

/**
 * §3.11: Gaussian blur in place (wasm/kernels/blur.c: running sums, so the cost per pixel does
 * not depend on the radius; wasm SIMD): radius r (width 2r+1), sigma s, edges extended; alpha kept.
 */
export function blurInPlace(data: Uint8Array, size: Size, radius: number, sigma: number): void {
  withBlurredRgba(data, size, radius, sigma, false, (blurred) => data.set(blurred));
}

/** The same blur on all four channels (the `resize` pad background, whose edges may be clear). */
export function blurAllChannelsInPlace(
  data: Uint8Array,
  size: Size,
  radius: number,
  sigma: number,
): void {
  withBlurredRgba(data, size, radius, sigma, true, (blurred) => data.set(blurred));
}

/** §3.10: unsharp mask, out = in + (in − gauss(in; r, s)), clamped; alpha kept. */
export function sharpenInPlace(data: Uint8Array, size: Size, radius: number, sigma: number): void {
  withBlurredRgba(data, size, radius, sigma, false, (blurred) => {
    for (let i = 0; i < data.length; i += 4) {
      for (let c = i; c < i + 3; c++) {
        const v = 2 * (data[c] as number) - (blurred[c] as number);
        data[c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  });
}
