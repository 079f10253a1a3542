import { BosError } from '../../errors';
import type { RasterImage } from '../../image';

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
