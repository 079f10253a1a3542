import type { Rect, Rgba, Size } from '../image';

/** Copies `rect` out of an RGBA buffer of `size`, row by row. */
export function cropPixels(data: Uint8Array, size: Size, rect: Rect): Uint8Array {
  if (rect.x === 0 && rect.y === 0 && rect.width === size.width && rect.height === size.height) {
    return data;
  }
  const out = new Uint8Array(rect.width * rect.height * 4);
  const rowBytes = rect.width * 4;
  for (let row = 0; row < rect.height; row++) {
    const start = ((rect.y + row) * size.width + rect.x) * 4;
    out.set(data.subarray(start, start + rowBytes), row * rowBytes);
  }
  return out;
}

/** A canvas of one colour. */
export function solidPixels(size: Size, colour: Rgba): Uint8Array {
  const out = new Uint8Array(size.width * size.height * 4);
  const word = new Uint32Array(out.buffer);
  // Little-endian (every platform Workers run on): R is the lowest byte.
  word.fill(((colour.a << 24) | (colour.b << 16) | (colour.g << 8) | colour.r) >>> 0);
  return out;
}

/**
 * Draws `top` over `base` at (x, y) with source-over alpha compositing, clipping at the edges.
 * Mutates and returns `base`.
 */
export function drawOver(
  base: Uint8Array,
  baseSize: Size,
  top: Uint8Array,
  topSize: Size,
  x: number,
  y: number,
): Uint8Array {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(baseSize.width, x + topSize.width);
  const y1 = Math.min(baseSize.height, y + topSize.height);
  for (let row = y0; row < y1; row++) {
    let b = (row * baseSize.width + x0) * 4;
    let t = ((row - y) * topSize.width + (x0 - x)) * 4;
    for (let col = x0; col < x1; col++, b += 4, t += 4) {
      const ta = top[t + 3] as number;
      if (ta === 255) {
        base[b] = top[t] as number;
        base[b + 1] = top[t + 1] as number;
        base[b + 2] = top[t + 2] as number;
        base[b + 3] = 255;
      } else if (ta !== 0) {
        const ba = base[b + 3] as number;
        const outA = ta + (ba * (255 - ta)) / 255;
        const wt = ta / outA;
        const wb = 1 - wt;
        base[b] = Math.round((top[t] as number) * wt + (base[b] as number) * wb);
        base[b + 1] = Math.round((top[t + 1] as number) * wt + (base[b + 1] as number) * wb);
        base[b + 2] = Math.round((top[t + 2] as number) * wt + (base[b + 2] as number) * wb);
        base[b + 3] = Math.round(outA);
      }
    }
  }
  return base;
}

/** Composites every pixel onto an opaque background (jpg output, PROTOCOL.md §7.2). */
export function flattenPixels(data: Uint8Array, background: Rgba): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] as number;
    if (a === 255) {
      out[i] = data[i] as number;
      out[i + 1] = data[i + 1] as number;
      out[i + 2] = data[i + 2] as number;
    } else {
      const f = a / 255;
      out[i] = Math.round((data[i] as number) * f + background.r * (1 - f));
      out[i + 1] = Math.round((data[i + 1] as number) * f + background.g * (1 - f));
      out[i + 2] = Math.round((data[i + 2] as number) * f + background.b * (1 - f));
    }
    out[i + 3] = 255;
  }
  return out;
}

/** True when some pixel is not fully opaque. */
export function anyTransparent(data: Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return true;
  return false;
}
