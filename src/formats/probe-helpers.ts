import { BosError } from '../errors';
import { readTiffOrientation } from './metadata/exif';

/** Helpers the header parsers (`probe` of each format) share. */

export const unsupported = (why: string) => new BosError('UnsupportedImageFormat', why);
export const truncated = () => unsupported('The image data is truncated or corrupt.');

export const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));

export const dataView = (bytes: Uint8Array) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The probe's EXIF fields: the block and the Orientation read from it. */
export const withExif = (exif: Uint8Array | undefined) => ({
  orientation: exif ? readTiffOrientation(exif) : undefined,
  ...(exif ? { exif } : {}),
});

/** The probe's ICC field, when a non-empty profile was found (PNG stores it deflated). */
export const withIcc = (data: Uint8Array | undefined, deflated: boolean) =>
  data && data.length > 0 ? { icc: { data, deflated } } : {};
