import type { ImageProbe } from '../types';
import { ascii, dataView, truncated, withExif, withIcc } from '../probe-helpers';
import { tiffOfExif } from '../metadata/exif';
import { estimateJpegQuality, ZIGZAG } from './quality-estimate';

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

const isSof = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Walks the markers up to the end of the image: size (SOF), quantisation tables (for the quality
 * estimate), EXIF (APP1) and ICC (APP2). Every step moves forward, so the walk ends. `headerOnly`
 * stops at the first scan: everything but the end's integrity is known by then.
 */
export function probeJpeg(bytes: Uint8Array, headerOnly = false): ImageProbe {
  const view = dataView(bytes);
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
      if (headerOnly) break;
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
