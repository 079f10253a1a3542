import type { RasterImage } from '../../image';

/**
 * Adam7-interlaced PNG (`interlace,i_progressive` with PNG output, PROTOCOL.md §3.15). Our zlib
 * encoder (wasm/png/encoder.c) writes plain files from row strips, so this small encoder does the
 * passes itself and leaves compression to the runtime's zlib (CompressionStream 'deflate' is
 * zlib-wrapped, as IDAT wants).
 */

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Filters one scanline with whichever of None/Sub/Up/Paeth has the smallest absolute sum. */
function filterRow(row: Uint8Array, previous: Uint8Array | undefined, bpp: number): Uint8Array {
  let best: Uint8Array | undefined;
  let bestScore = Infinity;
  for (const type of [0, 1, 2, 4]) {
    const out = new Uint8Array(row.length + 1);
    out[0] = type;
    let score = 0;
    for (let i = 0; i < row.length; i++) {
      const x = row[i] as number;
      const a = i >= bpp ? (row[i - bpp] as number) : 0;
      const b = previous ? (previous[i] as number) : 0;
      const c = previous && i >= bpp ? (previous[i - bpp] as number) : 0;
      const predicted = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : paeth(a, b, c);
      const value = (x - predicted) & 0xff;
      out[i + 1] = value;
      score += value < 128 ? value : 256 - value;
    }
    if (score < bestScore) {
      bestScore = score;
      best = out;
    }
  }
  return best as Uint8Array;
}

async function deflate(parts: Uint8Array[]): Promise<Uint8Array> {
  const stream = new Blob(parts).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function encodeInterlacedPng(image: RasterImage): Promise<Uint8Array> {
  const { width, height } = image;
  const pixels = image.frames[0]?.data ?? new Uint8Array(0);
  const channels = image.hasAlpha ? 4 : 3;
  const rows: Uint8Array[] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    let previous: Uint8Array | undefined;
    for (let y = y0; y < height; y += dy) {
      const row = new Uint8Array(passWidth * channels);
      for (let x = x0, o = 0; x < width; x += dx) {
        const i = (y * width + x) * 4;
        for (let c = 0; c < channels; c++) row[o++] = pixels[i + c] as number;
      }
      rows.push(filterRow(row, previous, channels));
      previous = row;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, channels === 4 ? 6 : 2, 0, 0, 1], 8);
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [
    signature,
    chunk('IHDR', header),
    chunk('IDAT', await deflate(rows)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
