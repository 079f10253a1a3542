import { BosError } from '../errors';
import type { RasterImage } from '../image';
import { anyTransparent } from '../kernels/canvas';

/**
 * BMP in pure TypeScript (no maintained library fits a Worker): Windows v3–v5 and OS/2 headers,
 * 1/4/8-bit palettes, 16/24/32-bit with or without bit fields, RLE4/RLE8/RLE24, top-down rows.
 */

const corrupt = () =>
  new BosError('UnsupportedImageFormat', 'The BMP data is corrupt or truncated.');

interface Channel {
  shift: number;
  bits: number;
}
const channel = (mask: number): Channel => {
  if (mask === 0) return { shift: 0, bits: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
};
const extract = (value: number, c: Channel) => {
  if (c.bits === 0) return 255;
  const v = (value >>> c.shift) & ((1 << c.bits) - 1);
  return Math.round((v * 255) / ((1 << c.bits) - 1));
};

export function decodeBmp(bytes: Uint8Array): RasterImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw corrupt();
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  const os2v2 = headerSize === 64;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bpp = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw corrupt();

  // Palette: after the header (and the three masks a v3 BITFIELDS header appends).
  const paletteEntry = core ? 3 : 4;
  const colours = core ? 1 << bpp : view.getUint32(46, true) || (bpp <= 8 ? 1 << bpp : 0);
  const paletteStart =
    14 +
    headerSize +
    (headerSize === 40 && (compression === 3 || compression === 6)
      ? compression === 6
        ? 16
        : 12
      : 0);
  const palette: number[][] = [];
  if (bpp <= 8) {
    for (let i = 0; i < colours && paletteStart + i * paletteEntry + 3 <= bytes.length; i++) {
      const at = paletteStart + i * paletteEntry;
      palette.push([bytes[at + 2] as number, bytes[at + 1] as number, bytes[at] as number]);
    }
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

  const rle = compression === 1 || compression === 2 || (os2v2 && compression === 4);
  if (rle) {
    decodeRle(
      bytes,
      dataOffset,
      compression === 1 ? 8 : compression === 2 ? 4 : 24,
      putIndex,
      put,
      height,
    );
  } else {
    const masks =
      compression === 3 || compression === 6
        ? [
            view.getUint32(54, true),
            view.getUint32(58, true),
            view.getUint32(62, true),
            compression === 6 || headerSize >= 56 ? view.getUint32(66, true) : 0,
          ]
        : bpp === 16
          ? [0x7c00, 0x03e0, 0x001f, 0]
          : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    if (compression !== 0 && compression !== 3 && compression !== 6) {
      throw new BosError('UnsupportedImageFormat', 'This BMP compression is not supported.');
    }
    const [r, g, b, a] = masks.map((m) => channel(m ?? 0)) as [Channel, Channel, Channel, Channel];
    const stride = Math.floor((bpp * width + 31) / 32) * 4;
    if (dataOffset + stride * height > bytes.length) throw corrupt();
    for (let row = 0; row < height; row++) {
      const line = dataOffset + row * stride;
      for (let x = 0; x < width; x++) {
        switch (bpp) {
          case 1:
          case 2:
          case 4:
          case 8: {
            const bit = x * bpp;
            const byte = bytes[line + (bit >> 3)] as number;
            const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
            putIndex(x, row, index);
            break;
          }
          case 16: {
            const v = view.getUint16(line + x * 2, true);
            put(x, row, extract(v, r), extract(v, g), extract(v, b), extract(v, a));
            break;
          }
          case 24:
            put(
              x,
              row,
              bytes[line + x * 3 + 2] as number,
              bytes[line + x * 3 + 1] as number,
              bytes[line + x * 3] as number,
            );
            break;
          case 32: {
            const v = view.getUint32(line + x * 4, true);
            put(x, row, extract(v, r), extract(v, g), extract(v, b), extract(v, a));
            break;
          }
          default:
            throw corrupt();
        }
      }
    }
  }
  return { width, height, hasAlpha: anyTransparent(out), frames: [{ data: out, delayMs: 0 }] };
}

/** RLE4, RLE8 and OS/2 RLE24: runs and absolute blocks, with end-of-line/bitmap and deltas. */
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

/** 24-bit BGR, bottom-up, rows padded to 4 bytes; transparency is flattened before this. */
export function encodeBmp(image: RasterImage): Uint8Array {
  const { width, height } = image;
  const frame = image.frames[0];
  if (!frame) throw new BosError('InternalError', 'No frame to encode.');
  const stride = Math.floor((24 * width + 31) / 32) * 4;
  const size = 54 + stride * height;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, stride * height, true);
  view.setInt32(38, 2835, true); // 72 dpi
  view.setInt32(42, 2835, true);
  for (let y = 0; y < height; y++) {
    const line = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[line + x * 3] = frame.data[i + 2] as number;
      out[line + x * 3 + 1] = frame.data[i + 1] as number;
      out[line + x * 3 + 2] = frame.data[i] as number;
    }
  }
  return out;
}
