import { BosError } from '../../errors';
import type { RasterImage } from '../../image';
import { anyTransparent } from '../../kernels/canvas';
import { dataView } from '../probe-helpers';
import { readBmpHeader, type Channel } from './header';

/**
 * BMP in pure TypeScript (no maintained library fits a Worker): 1/2/4/8-bit palettes, 16/24/32-bit
 * with or without bit fields, RLE4/RLE8/RLE24, top-down rows. Every loop is bounded by the header's
 * size, which the limits were checked against, and by the file's length.
 */

const corrupt = () =>
  new BosError('UnsupportedImageFormat', 'The BMP data is corrupt or truncated.');

const extract = (value: number, c: Channel) => {
  if (c.bits === 0) return 255;
  const v = (value >>> c.shift) & ((1 << c.bits) - 1);
  return Math.round((v * 255) / ((1 << c.bits) - 1));
};

export function decodeBmp(bytes: Uint8Array): RasterImage {
  const header = readBmpHeader(bytes);
  const { width, height, topDown, bitsPerPixel: bpp, dataOffset, encoding } = header;
  const view = dataView(bytes);

  const palette: number[][] = [];
  const { start, entryBytes, count } = header.palette;
  for (let i = 0; i < count && start + i * entryBytes + 3 <= bytes.length; i++) {
    const at = start + i * entryBytes;
    palette.push([bytes[at + 2] as number, bytes[at + 1] as number, bytes[at] as number]);
  }

  const out = new Uint8Array(width * height * 4);
  const put = (x: number, row: number, r: number, g: number, b: number, a = 255) => {
    const y = topDown ? row : height - 1 - row;
    if (x >= width || y < 0 || y >= height) return;
    const o = (y * width + x) * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a;
  };
  const putIndex = (x: number, row: number, index: number) => {
    const colour = palette[index] ?? [0, 0, 0];
    put(x, row, colour[0] as number, colour[1] as number, colour[2] as number);
  };

  if (encoding.kind === 'rle') {
    decodeRle(bytes, dataOffset, encoding.depth, putIndex, put, height);
  } else {
    const stride = Math.floor((bpp * width + 31) / 32) * 4;
    if (dataOffset + stride * height > bytes.length) throw corrupt();
    const [r, g, b, a] =
      encoding.kind === 'packed' ? encoding.channels : ([] as unknown as Channel[]);
    for (let row = 0; row < height; row++) {
      const line = dataOffset + row * stride;
      for (let x = 0; x < width; x++) {
        if (encoding.kind === 'indexed') {
          const bit = x * bpp;
          const byte = bytes[line + (bit >> 3)] as number;
          putIndex(x, row, (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1));
        } else if (bpp === 24) {
          put(
            x,
            row,
            bytes[line + x * 3 + 2] as number,
            bytes[line + x * 3 + 1] as number,
            bytes[line + x * 3] as number,
          );
        } else {
          const v =
            bpp === 16 ? view.getUint16(line + x * 2, true) : view.getUint32(line + x * 4, true);
          put(
            x,
            row,
            extract(v, r as Channel),
            extract(v, g as Channel),
            extract(v, b as Channel),
            extract(v, a as Channel),
          );
        }
      }
    }
  }
  return { width, height, hasAlpha: anyTransparent(out), frames: [{ data: out, delayMs: 0 }] };
}

/**
 * RLE4, RLE8 and OS/2 RLE24: runs and absolute blocks, with end-of-line/bitmap and deltas. Each
 * step reads at least two bytes, so the work is bounded by the file's length.
 */
function decodeRle(
  bytes: Uint8Array,
  start: number,
  depth: 4 | 8 | 24,
  putIndex: (x: number, row: number, index: number) => void,
  put: (x: number, row: number, r: number, g: number, b: number) => void,
  height: number,
) {
  let pos = start;
  let x = 0;
  let row = 0;
  const next = () => {
    const value = bytes[pos++];
    if (value === undefined) throw corrupt();
    return value;
  };
  const pixel = (value: number) => {
    if (depth === 24) return;
    putIndex(x++, row, value);
  };
  while (row < height) {
    const count = next();
    const code = next();
    if (count > 0) {
      if (depth === 24) {
        const b = code;
        const g = next();
        const r = next();
        for (let i = 0; i < count; i++) put(x++, row, r, g, b);
      } else if (depth === 8) {
        for (let i = 0; i < count; i++) pixel(code);
      } else {
        for (let i = 0; i < count; i++) pixel(i % 2 === 0 ? code >> 4 : code & 15);
      }
    } else if (code === 0) {
      x = 0;
      row++;
    } else if (code === 1) {
      return;
    } else if (code === 2) {
      x += next();
      row += next();
    } else if (depth === 24) {
      for (let i = 0; i < code; i++) {
        const b = next();
        const g = next();
        const r = next();
        put(x++, row, r, g, b);
      }
      if ((code * 3) % 2 === 1) pos++;
    } else if (depth === 8) {
      for (let i = 0; i < code; i++) pixel(next());
      if (code % 2 === 1) pos++;
    } else {
      let byte = 0;
      for (let i = 0; i < code; i++) {
        if (i % 2 === 0) byte = next();
        pixel(i % 2 === 0 ? byte >> 4 : byte & 15);
      }
      if (Math.ceil(code / 2) % 2 === 1) pos++;
    }
  }
}
