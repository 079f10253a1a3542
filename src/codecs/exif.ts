/** Minimal TIFF/EXIF reading: only what planning needs before decoding (the Orientation tag). */

const ORIENTATION_TAG = 0x0112;

/** Reads IFD0's Orientation from a TIFF structure ("II*\0" or "MM\0*"); undefined if absent. */
export function readTiffOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) === ORIENTATION_TAG) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** An APP1 segment body "Exif\0\0<TIFF>" → Orientation. */
export function readExifSegmentOrientation(segment: Uint8Array): number | undefined {
  const header = [0x45, 0x78, 0x69, 0x66, 0, 0];
  if (segment.length < 6 || header.some((byte, i) => segment[i] !== byte)) return undefined;
  return readTiffOrientation(segment.subarray(6));
}
