import type { ImageProbe } from '../types';
import { ascii, dataView, truncated, withExif, withIcc } from '../probe-helpers';
import { tiffOfExif } from '../metadata/exif';

/** The RIFF chunks: VP8X (canvas, alpha), VP8/VP8L (size), ANMF (frames), EXIF, ICCP. */
export function probeWebp(bytes: Uint8Array): ImageProbe {
  const view = dataView(bytes);
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
