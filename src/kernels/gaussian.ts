import type { Size } from '../image';

/** Normalised 1-D Gaussian weights for offsets -radius..radius. */
export function gaussianWeights(radius: number, sigma: number): Float32Array {
  const weights = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    weights[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) / sum;
  return weights;
}

/**
 * Separable Gaussian blur of all four RGBA channels with edge pixels extended, as the pad
 * background needs. Two passes through one float buffer: O(pixels × radius).
 */
export function gaussianBlurRgba(data: Uint8Array, size: Size, radius: number, sigma: number) {
  const { width, height } = size;
  const weights = gaussianWeights(radius, sigma);
  const temp = new Float32Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = -radius; k <= radius; k++) {
        const sx = Math.min(width - 1, Math.max(0, x + k));
        const w = weights[k + radius] as number;
        const i = (row + sx) * 4;
        r += (data[i] as number) * w;
        g += (data[i + 1] as number) * w;
        b += (data[i + 2] as number) * w;
        a += (data[i + 3] as number) * w;
      }
      const o = (row + x) * 4;
      temp[o] = r;
      temp[o + 1] = g;
      temp[o + 2] = b;
      temp[o + 3] = a;
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = -radius; k <= radius; k++) {
        const sy = Math.min(height - 1, Math.max(0, y + k));
        const w = weights[k + radius] as number;
        const i = (sy * width + x) * 4;
        r += (temp[i] as number) * w;
        g += (temp[i + 1] as number) * w;
        b += (temp[i + 2] as number) * w;
        a += (temp[i + 3] as number) * w;
      }
      const o = (y * width + x) * 4;
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
      out[o + 3] = Math.round(a);
    }
  }
  return out;
}
