import { BosError } from '../errors';
import type { ImageFormat } from '../image';
import { readTiffOrientation, tiffOfExif } from './exif';
import type { EmbeddedProfile } from './icc';
import { estimateJpegQuality, ZIGZAG } from './jpeg-quality';

/** What the header says, read without decoding a pixel (PROTOCOL.md §1.6 step 6). */
export interface ImageProbe {
  format: ImageFormat;
  width: number;
  height: number;
  frames: number;
  /** EXIF Orientation 1–8 when the file carries one. */
  orientation: number | undefined;
  /** The EXIF block's TIFF structure, when the file carries one (for `info`). */
  exif?: Uint8Array;
  /** The embedded ICC profile, when there is one (pixels are converted to sRGB after decoding). */
  icc?: EmbeddedProfile;
  /** libjpeg quality estimated from the quantisation tables (JPEG only). */
  jpegQuality: number | undefined;
  hasAlpha: boolean;
}

/** The probe's EXIF fields: the block and the Orientation read from it. */
const withExif = (exif: Uint8Array | undefined) => ({
  orientation: exif ? readTiffOrientation(exif) : undefined,
  ...(exif ? { exif } : {}),
});

const withIcc = (data: Uint8Array | undefined, deflated: boolean) =>
  data && data.length > 0 ? { icc: { data, deflated } } : {};

/** JPEG's numbered ICC chunks in order, or undefined when there are none. */
function joinChunks(chunks: Map<number, Uint8Array>): Uint8Array | undefined {
  if (chunks.size === 0) return undefined;
  const ordered = [...chunks].sort(([a], [b]) => a - b).map(([, chunk]) => chunk);
  const joined = new Uint8Array(ordered.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of ordered) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

const unsupported = (why: string) => new BosError('UnsupportedImageFormat', why);
const truncated = () => unsupported('The image data is truncated or corrupt.');

const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** Recognises the format from the bytes, never from the name or Content-Type. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpg';
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    return 'webp';
  }
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return 'gif';
  if (bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp') {
    const brands = [ascii(bytes, 8, 4)];
    const ftypSize = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    for (let at = 16; at + 4 <= Math.min(ftypSize, bytes.length); at += 4) {
      brands.push(ascii(bytes, at, 4));
    }
    if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
    if (brands.some((b) => ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1'].includes(b))) {
      return 'heic';
    }
  }
  return undefined;
}

export function probeImage(bytes: Uint8Array): ImageProbe {
  const format = sniffFormat(bytes);
  if (format === undefined) throw unsupported('The object is not an image in a supported format.');
  try {
    switch (format) {
      case 'jpg':
        return probeJpeg(bytes);
      case 'png':
        return probePng(bytes);
      case 'webp':
        return probeWebp(bytes);
      case 'gif':
        return probeGif(bytes);
      case 'bmp':
        return probeBmp(bytes);
      case 'avif':
      case 'heic':
        return probeIsobmff(bytes, format);
    }
  } catch (error) {
    // A header field pointing past the end makes DataView throw: that is a corrupt file.
    if (error instanceof RangeError) throw truncated();
    throw error;
  }
}

const isSof = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function probeJpeg(bytes: Uint8Array): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let exif: Uint8Array | undefined;
  const iccChunks = new Map<number, Uint8Array>();
  const tables = new Map<number, number[]>();
  let pos = 2;
  let sawScan = false;
  for (;;) {
    // Markers may be preceded by fill bytes; entropy-coded data ends at the first real marker.
    pos = bytes.indexOf(0xff, pos);
    if (pos < 0 || pos + 1 >= bytes.length) throw truncated();
    const marker = bytes[pos + 1] as number;
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      if (!sawScan) throw truncated();
      pos += 2;
      continue;
    }
    if (marker === 0xd9) break;
    const length = view.getUint16(pos + 2);
    const body = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) throw truncated();
    if (isSof(marker)) {
      height = view.getUint16(body + 1);
      width = view.getUint16(body + 3);
    } else if (marker === 0xdb) {
      for (let at = body; at < end;) {
        const info = bytes[at] as number;
        const wide = info >> 4 !== 0;
        const table = new Array<number>(64);
        for (let k = 0; k < 64; k++) {
          table[ZIGZAG[k] as number] = wide
            ? view.getUint16(at + 1 + k * 2)
            : (bytes[at + 1 + k] as number);
        }
        tables.set(info & 0x0f, table);
        at += 1 + (wide ? 128 : 64);
      }
    } else if (marker === 0xe1 && exif === undefined) {
      exif = tiffOfExif(bytes.subarray(body, end));
    } else if (marker === 0xe2 && ascii(bytes, body, 12) === 'ICC_PROFILE\0') {
      // Profiles over 64 KiB span several APP2 segments, numbered from 1.
      iccChunks.set(bytes[body + 12] as number, bytes.subarray(body + 14, end));
    } else if (marker === 0xda) {
      sawScan = true;
    }
    pos = end;
  }
  if (!sawScan || width === 0 || height === 0) throw truncated();
  return {
    format: 'jpg',
    width,
    height,
    frames: 1,
    ...withExif(exif),
    ...withIcc(joinChunks(iccChunks), false),
    jpegQuality: estimateJpegQuality(tables),
    hasAlpha: false,
  };
}

function probePng(bytes: Uint8Array): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(bytes, 12, 4) !== 'IHDR') throw truncated();
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colourType = bytes[25] as number;
  let hasAlpha = colourType === 4 || colourType === 6;
  let frames = 1;
  let exif: Uint8Array | undefined;
  let icc: Uint8Array | undefined;
  let pos = 8;
  let ended = false;
  while (pos + 8 <= bytes.length) {
    const length = view.getUint32(pos);
    const type = ascii(bytes, pos + 4, 4);
    const body = pos + 8;
    if (body + length + 4 > bytes.length) throw truncated();
    if (type === 'tRNS') hasAlpha = true;
    else if (type === 'acTL') frames = Math.max(1, view.getUint32(body));
    else if (type === 'eXIf') exif = tiffOfExif(bytes.subarray(body, body + length));
    else if (type === 'iCCP') {
      // Profile name, NUL, compression method (0: zlib), then the compressed profile.
      const nul = bytes.subarray(body, body + Math.min(length, 80)).indexOf(0);
      if (nul > 0) icc = bytes.subarray(body + nul + 2, body + length);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = body + length + 4;
  }
  if (!ended || width === 0 || height === 0) throw truncated();
  return {
    format: 'png',
    width,
    height,
    frames: Math.max(1, frames),
    ...withExif(exif),
    ...withIcc(icc, true),
    jpegQuality: undefined,
    hasAlpha,
  };
}

function probeWebp(bytes: Uint8Array): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) throw truncated();
  let width = 0;
  let height = 0;
  let hasAlpha = false;
  let frames = 0;
  let exif: Uint8Array | undefined;
  let icc: Uint8Array | undefined;
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const type = ascii(bytes, pos, 4);
    const length = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (body + length > riffEnd) throw truncated();
    if (type === 'VP8X') {
      hasAlpha = ((bytes[body] as number) & 0x10) !== 0;
      width = 1 + (view.getUint32(body + 4, true) & 0xffffff);
      height = 1 + (view.getUint32(body + 7, true) & 0xffffff);
    } else if (type === 'VP8 ' && width === 0) {
      width = view.getUint16(body + 6, true) & 0x3fff;
      height = view.getUint16(body + 8, true) & 0x3fff;
    } else if (type === 'VP8L' && width === 0) {
      const bits = view.getUint32(body + 1, true);
      width = 1 + (bits & 0x3fff);
      height = 1 + ((bits >>> 14) & 0x3fff);
      hasAlpha = ((bits >>> 28) & 1) === 1;
    } else if (type === 'ANMF') {
      frames++;
    } else if (type === 'EXIF') {
      exif = tiffOfExif(bytes.subarray(body, body + length));
    } else if (type === 'ICCP') {
      icc = bytes.subarray(body, body + length);
    }
    pos = body + length + (length & 1);
  }
  if (width === 0 || height === 0) throw truncated();
  return {
    format: 'webp',
    width,
    height,
    frames: Math.max(1, frames),
    ...withExif(exif),
    ...withIcc(icc, false),
    jpegQuality: undefined,
    hasAlpha,
  };
}

function probeGif(bytes: Uint8Array): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const flags = bytes[10] as number;
  let pos = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  let frames = 0;
  let hasAlpha = false;
  const skipSubBlocks = () => {
    for (;;) {
      const size = bytes[pos];
      if (size === undefined) throw truncated();
      pos += 1 + size;
      if (size === 0) return;
    }
  };
  for (;;) {
    const block = bytes[pos];
    if (block === undefined) throw truncated();
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[pos + 1] === 0xf9 && ((bytes[pos + 3] as number) & 1) === 1) hasAlpha = true;
      pos += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      frames++;
      const localFlags = bytes[pos + 9] as number;
      pos += 10 + (localFlags & 0x80 ? 3 << ((localFlags & 7) + 1) : 0) + 1;
      skipSubBlocks();
    } else {
      throw truncated();
    }
  }
  if (frames === 0 || width === 0 || height === 0) throw truncated();
  return {
    format: 'gif',
    width,
    height,
    frames,
    orientation: undefined,
    jpegQuality: undefined,
    hasAlpha,
  };
}

function probeBmp(bytes: Uint8Array): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  const width = core ? view.getUint16(18, true) : Math.abs(view.getInt32(18, true));
  const height = core ? view.getUint16(20, true) : Math.abs(view.getInt32(22, true));
  const bits = core ? view.getUint16(24, true) : view.getUint16(28, true);
  if (width === 0 || height === 0) throw truncated();
  return {
    format: 'bmp',
    width,
    height,
    frames: 1,
    orientation: undefined,
    jpegQuality: undefined,
    hasAlpha: bits === 32,
  };
}

/** AVIF and HEIC: the `ispe` properties under meta/iprp/ipco give the image sizes. */
function probeIsobmff(bytes: Uint8Array, format: 'avif' | 'heic'): ImageProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let hasAlpha = false;
  let icc: Uint8Array | undefined;
  let exifItem: number | undefined;
  const extents = new Map<number, { offset: number; length: number }>();
  const readSized = (at: number, size: number) =>
    size === 0
      ? 0
      : size === 4
        ? view.getUint32(at)
        : size === 8
          ? Number(view.getBigUint64(at))
          : view.getUint16(at);
  const walk = (start: number, end: number, depth: number) => {
    let pos = start;
    while (pos + 8 <= end) {
      let size = view.getUint32(pos);
      const type = ascii(bytes, pos + 4, 4);
      let header = 8;
      if (size === 1) {
        size = Number(view.getBigUint64(pos + 8));
        header = 16;
      } else if (size === 0) {
        size = end - pos;
      }
      if (size < header || pos + size > end) throw truncated();
      if (type === 'meta') walk(pos + header + 4, pos + size, depth + 1);
      else if (type === 'iinf') {
        // Item infos: the item whose type is 'Exif' holds the EXIF block.
        const version = bytes[pos + header] as number;
        walk(pos + header + 4 + (version === 0 ? 2 : 4), pos + size, depth + 1);
      } else if (type === 'infe') {
        const version = bytes[pos + header] as number;
        if (version >= 2) {
          const wide = version === 3;
          const id = wide ? view.getUint32(pos + header + 4) : view.getUint16(pos + header + 4);
          const itemType = ascii(bytes, pos + header + 4 + (wide ? 4 : 2) + 2, 4);
          if (itemType === 'Exif') exifItem = id;
        }
      } else if (type === 'iloc') {
        readItemLocations(pos + header, pos + size);
      } else if (type === 'colr') {
        const colourType = ascii(bytes, pos + header, 4);
        if (colourType === 'prof' || colourType === 'rICC')
          icc = bytes.subarray(pos + header + 4, pos + size);
      } else if ((type === 'iprp' || type === 'ipco') && depth < 4) {
        walk(pos + header, pos + size, depth + 1);
      } else if (type === 'ispe') {
        // The largest `ispe` is the primary image; thumbnails and alpha planes are not larger.
        const w = view.getUint32(pos + header + 4);
        const h = view.getUint32(pos + header + 8);
        if (w * h > width * height) {
          width = w;
          height = h;
        }
      } else if (
        type === 'auxC' &&
        ascii(bytes, pos + header + 4, size - header - 4).includes('alpha')
      ) {
        hasAlpha = true;
      }
      pos += size;
    }
  };
  /** `iloc`: where each item's first extent lies in the file (construction method 0). */
  function readItemLocations(at: number, end: number) {
    const version = bytes[at] as number;
    const sizes = view.getUint16(at + 4);
    const offsetSize = sizes >> 12;
    const lengthSize = (sizes >> 8) & 15;
    const baseSize = (sizes >> 4) & 15;
    const indexSize = version === 1 || version === 2 ? sizes & 15 : 0;
    let p = at + 6;
    const count = version < 2 ? view.getUint16(p) : view.getUint32(p);
    p += version < 2 ? 2 : 4;
    for (let i = 0; i < count && p < end; i++) {
      const id = version < 2 ? view.getUint16(p) : view.getUint32(p);
      p += version < 2 ? 2 : 4;
      const method = version === 1 || version === 2 ? view.getUint16(p) & 15 : 0;
      if (version === 1 || version === 2) p += 2;
      p += 2; // data_reference_index
      const base = readSized(p, baseSize);
      p += baseSize;
      const extentCount = view.getUint16(p);
      p += 2;
      for (let e = 0; e < extentCount; e++) {
        p += indexSize;
        const offset = readSized(p, offsetSize);
        p += offsetSize;
        const length = readSized(p, lengthSize);
        p += lengthSize;
        if (e === 0 && method === 0) extents.set(id, { offset: base + offset, length });
      }
    }
  }
  walk(0, bytes.length, 0);
  if (width === 0 || height === 0) throw truncated();
  // The Exif item: a 4-byte offset to the TIFF header, then the block.
  const location = exifItem === undefined ? undefined : extents.get(exifItem);
  let exif: Uint8Array | undefined;
  if (location && location.offset + location.length <= bytes.length && location.length > 4) {
    const item = bytes.subarray(location.offset, location.offset + location.length);
    const skip = new DataView(item.buffer, item.byteOffset, item.byteLength).getUint32(0);
    if (4 + skip < item.length) exif = tiffOfExif(item.subarray(4 + skip));
  }
  return {
    format,
    width,
    height,
    frames: 1,
    ...withExif(exif),
    ...withIcc(icc, false),
    jpegQuality: undefined,
    hasAlpha,
  };
}
