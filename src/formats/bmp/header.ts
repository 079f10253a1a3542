import type { ImageProbe } from '../types';
import { dataView, truncated, unsupported } from '../probe-helpers';

/** One bit-field channel of a 16- or 32-bit BMP: where its bits are and how many. */
export interface Channel {
  shift: number;
  bits: number;
}

const channel = (mask: number): Channel => {
  if (mask === 0) return { shift: 0, bits: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
};

export type BmpEncoding =
  | { kind: 'rle'; depth: 4 | 8 | 24 }
  | { kind: 'packed'; channels: [r: Channel, g: Channel, b: Channel, a: Channel] }
  | { kind: 'indexed' };

/** Everything the BMP header says, read once: the probe and the decoder both use this. */
export interface BmpHeader {
  width: number;
  height: number;
  /** Rows stored top row first (a negative height in the header). */
  topDown: boolean;
  bitsPerPixel: number;
  encoding: BmpEncoding;
  dataOffset: number;
  palette: { start: number; entryBytes: 3 | 4; count: number };
  hasAlpha: boolean;
}

const INDEXED_DEPTHS = [1, 2, 4, 8];

/**
 * Windows v3–v5 and OS/2 1.x/2.x headers. Sizes are as declared (limits are checked from them
 * before anything is decoded); what cannot be decoded is refused here.
 */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (bytes.length < 26) throw truncated();
  const view = dataView(bytes);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  // OS/2 1.x (BITMAPCOREHEADER): 16-bit unsigned sides, no compression, 3-byte palette entries.
  const core = headerSize === 12;
  if (!core && (headerSize < 40 || bytes.length < 14 + Math.min(headerSize, 40))) {
    throw truncated();
  }
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  if (width <= 0 || rawHeight === 0 || rawHeight === -2147483648) throw truncated();

  let encoding: BmpEncoding;
  if (compression === 1 && bitsPerPixel === 8) encoding = { kind: 'rle', depth: 8 };
  else if (compression === 2 && bitsPerPixel === 4) encoding = { kind: 'rle', depth: 4 };
  // OS/2 2.x (64-byte header) uses compression 4 for 24-bit RLE.
  else if (compression === 4 && headerSize === 64 && bitsPerPixel === 24) {
    encoding = { kind: 'rle', depth: 24 };
  } else if (compression === 0 && INDEXED_DEPTHS.includes(bitsPerPixel)) {
    encoding = { kind: 'indexed' };
  } else if (
    (compression === 0 || compression === 3 || compression === 6) &&
    [16, 24, 32].includes(bitsPerPixel)
  ) {
    const bitFields = compression !== 0;
    // BITFIELDS masks follow a 40-byte header (three, or four for ALPHABITFIELDS) or sit inside
    // a v2+ header; the alpha mask exists from the 56-byte header on.
    const masks = bitFields
      ? [
          view.getUint32(54, true),
          view.getUint32(58, true),
          view.getUint32(62, true),
          compression === 6 || headerSize >= 56 ? view.getUint32(66, true) : 0,
        ]
      : bitsPerPixel === 16
        ? [0x7c00, 0x03e0, 0x001f, 0]
        : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    const [r = 0, g = 0, b = 0, a = 0] = masks;
    encoding = { kind: 'packed', channels: [channel(r), channel(g), channel(b), channel(a)] };
  } else {
    throw unsupported('This BMP compression or bit depth is not supported.');
  }

  const masksAfterHeader =
    headerSize === 40 && (compression === 3 || compression === 6)
      ? compression === 6
        ? 16
        : 12
      : 0;
  const entryBytes = core ? 3 : 4;
  const declared = core ? 0 : view.getUint32(46, true);
  const count =
    bitsPerPixel <= 8
      ? declared > 0
        ? Math.min(declared, 1 << bitsPerPixel)
        : 1 << bitsPerPixel
      : 0;
  return {
    width,
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bitsPerPixel,
    encoding,
    dataOffset,
    palette: { start: 14 + headerSize + masksAfterHeader, entryBytes, count },
    hasAlpha: encoding.kind === 'packed' && encoding.channels[3].bits > 0,
  };
}

export function probeBmp(bytes: Uint8Array): ImageProbe {
  const header = readBmpHeader(bytes);
  return {
    format: 'bmp',
    width: header.width,
    height: header.height,
    frames: 1,
    orientation: undefined,
    jpegQuality: undefined,
    hasAlpha: header.hasAlpha,
  };
}
