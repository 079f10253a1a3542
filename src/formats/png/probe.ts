import type { ImageProbe } from '../types';
import { ascii, dataView, truncated, withExif, withIcc } from '../probe-helpers';
import { tiffOfExif } from '../metadata/exif';

/**
 * IHDR, then every chunk to IEND (each step moves past a length checked against the file).
 * `headerOnly` stops at the first IDAT: PNG puts acTL, iCCP and eXIf before it.
 */
export function probePng(bytes: Uint8Array, headerOnly = false): ImageProbe {
  const view = dataView(bytes);
  if (ascii(bytes, 12, 4) !== 'IHDR') throw truncated();
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colourType = bytes[25] as number;
  const bitDepth = bytes[24] as number;
  const interlaced = bytes[28] === 1;
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
    if (headerOnly && type === 'IDAT') {
      ended = true;
      break;
    }
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
    ...withScanlines(colourType, bitDepth, interlaced),
    hasAlpha,
  };
}

/** See ImageProbe.pngScanlineBytes (wasm/png/decoder.c keeps the scanlines in its output buffer). */
function withScanlines(
  colourType: number,
  bitDepth: number,
  interlaced: boolean,
): { pngScanlineBytes?: number } {
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colourType] ?? 4;
  const bytes = (channels * bitDepth) / 8;
  const beyond = interlaced ? bytes : bytes - 4;
  return beyond > 0 ? { pngScanlineBytes: beyond } : {};
}
