import { describe, expect, it } from 'vitest';
import { readExifFields, readTiffOrientation, tiffOfExif } from '../../src/formats/metadata/exif';
import { rotatedSize } from '../../src/kernels/rotation';

/** A big-endian TIFF with IFD0 (Make, Orientation, XResolution, GPS pointer) and a GPS IFD. */
function tiffWithGps(): Uint8Array {
  const bytes = new Uint8Array(200);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x4d, 0, 42]);
  view.setUint32(4, 8);
  // IFD0 at 8: four entries.
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    view.setUint16(at, tag);
    view.setUint16(at + 2, type);
    view.setUint32(at + 4, count);
    if (type === 3 && count === 1) view.setUint16(at + 8, value);
    else view.setUint32(at + 8, value);
  };
  view.setUint16(8, 4);
  entry(10, 0x010f, 2, 4, 0x41424300); // "ABC\0" inline
  entry(22, 0x0112, 3, 1, 8);
  entry(34, 0x011a, 5, 1, 120); // rational at 120
  entry(46, 0x8825, 4, 1, 60); // GPS IFD at 60
  view.setUint32(58, 0);
  // GPS IFD at 60: LatitudeRef "N", Latitude 3 rationals at 136.
  view.setUint16(60, 2);
  entry(62, 1, 2, 2, 0x4e000000);
  entry(74, 2, 5, 3, 136);
  view.setUint32(120, 72);
  view.setUint32(124, 1);
  [40, 1, 2, 1, 3675, 100].forEach((v, i) => view.setUint32(136 + 4 * i, v));
  return bytes;
}

describe('EXIF fields for info (§3.17)', () => {
  it('reads text, shorts, rationals and the GPS IFD as BOS writes them', () => {
    expect(readExifFields(tiffWithGps())).toEqual({
      make: 'ABC',
      orientation: '8',
      resolutionX: '72/1',
      gpsLatitudeRef: 'N',
      gpsLatitude: '40/1,2/1,3675/100',
    });
    expect(readTiffOrientation(tiffWithGps())).toBe(8);
  });

  it('finds the TIFF with or without the Exif header; garbage gives nothing', () => {
    const tiff = tiffWithGps();
    const withHeader = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]);
    expect(tiffOfExif(withHeader)?.length).toBe(tiff.length);
    expect(tiffOfExif(tiff)?.length).toBe(tiff.length);
    expect(tiffOfExif(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeUndefined();
    // An IFD pointing past the end is skipped, not thrown.
    const broken = tiffWithGps();
    new DataView(broken.buffer).setUint32(4, 5000);
    expect(readExifFields(broken)).toEqual({});
  });
});

describe('rotate bounding box (§3.6)', () => {
  it.each([
    [600, 400, 30, 720, 647],
    [600, 400, 90, 400, 600],
    [600, 400, 60, 647, 720],
    [400, 300, 45, 495, 495],
    [1, 1, 45, 2, 2],
  ])('%i×%i at %i° → %i×%i', (width, height, degrees, w, h) => {
    expect(rotatedSize({ width, height }, degrees)).toEqual({ width: w, height: h });
  });
});
