import type { ImageProbe } from './types';
import { ascii, dataView, truncated, withExif, withIcc } from './probe-helpers';
import { tiffOfExif } from './metadata/exif';

/**
 * The HEIF container (ISO-BMFF) that AVIF and HEIC share: its brands for sniffing, and the boxes
 * the probe reads. Every box's size is checked against its parent before it is entered.
 */

/** The `ftyp` brands: major and compatible, each four characters. */
export function brandsOf(bytes: Uint8Array): string[] {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return [];
  const brands = [ascii(bytes, 8, 4)];
  const ftypSize = dataView(bytes).getUint32(0);
  for (let at = 16; at + 4 <= Math.min(ftypSize, bytes.length); at += 4) {
    brands.push(ascii(bytes, at, 4));
  }
  return brands;
}

/** AVIF and HEIC: the `ispe` properties under meta/iprp/ipco give the image sizes. */
export function probeIsobmff(bytes: Uint8Array, format: 'avif' | 'heic'): ImageProbe {
  const view = dataView(bytes);
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
