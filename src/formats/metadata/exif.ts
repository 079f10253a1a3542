/**
 * Minimal TIFF/EXIF reading, without decoding pixels: the Orientation tag for planning, and the
 * fields the `info` document lists (PROTOCOL.md §3.17).
 */

const ORIENTATION_TAG = 0x0112;
const EXIF_IFD_TAG = 0x8769;
const GPS_IFD_TAG = 0x8825;

/** Tag → `info` key, per IFD. */
const IFD0_FIELDS: Record<number, string> = {
  0x010f: 'make',
  0x0110: 'model',
  0x0112: 'orientation',
  0x011a: 'resolutionX',
  0x011b: 'resolutionY',
  0x0128: 'resolutionUnit',
  0x0132: 'dateTime',
};
const EXIF_FIELDS: Record<number, string> = {
  0x9003: 'dateTimeOriginal',
  0x9004: 'dateTimeDigitized',
};
const GPS_FIELDS: Record<number, string> = {
  1: 'gpsLatitudeRef',
  2: 'gpsLatitude',
  3: 'gpsLongitudeRef',
  4: 'gpsLongitude',
};

/** TIFF field types → size in bytes of one value. */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

interface Tiff {
  view: DataView;
  little: boolean;
  length: number;
}

function openTiff(tiff: Uint8Array): Tiff | undefined {
  if (tiff.length < 8) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return undefined;
  return { view, little, length: tiff.length };
}

/** The entries of the IFD at `offset`: tag → entry offset. Malformed parts are skipped. */
function readIfd(tiff: Tiff, offset: number): Map<number, number> {
  const entries = new Map<number, number>();
  if (offset <= 0 || offset + 2 > tiff.length) return entries;
  const count = tiff.view.getUint16(offset, tiff.little);
  for (let i = 0; i < count; i++) {
    const entry = offset + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    entries.set(tiff.view.getUint16(entry, tiff.little), entry);
  }
  return entries;
}

/** An entry's value as BOS writes it: text, integers, or rationals "n/d" joined by commas. */
function readValue(tiff: Tiff, entry: number): string | undefined {
  const { view, little } = tiff;
  const type = view.getUint16(entry + 2, little);
  const count = view.getUint32(entry + 4, little);
  const size = TYPE_SIZES[type];
  if (size === undefined || count === 0 || count > 1024) return undefined;
  const at = size * count <= 4 ? entry + 8 : view.getUint32(entry + 8, little);
  if (at + size * count > tiff.length) return undefined;
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = at + i * size;
    switch (type) {
      case 2:
      case 7:
      case 1:
        values.push(String.fromCharCode(view.getUint8(p)));
        break;
      case 3:
        values.push(String(view.getUint16(p, little)));
        break;
      case 4:
        values.push(String(view.getUint32(p, little)));
        break;
      case 9:
        values.push(String(view.getInt32(p, little)));
        break;
      case 5:
        values.push(`${view.getUint32(p, little)}/${view.getUint32(p + 4, little)}`);
        break;
      case 10:
        values.push(`${view.getInt32(p, little)}/${view.getInt32(p + 4, little)}`);
        break;
    }
  }
  if (type === 2 || type === 7 || type === 1) {
    // Text: up to the first NUL, trimmed.
    const text = values.join('');
    const nul = text.indexOf('\0');
    return (nul < 0 ? text : text.slice(0, nul)).trim() || undefined;
  }
  return values.join(',');
}

/** EXIF "YYYY:MM:DD HH:MM:SS" → "YYYY-MM-DDTHH:MM:SSZ" (BOS's form); other text unchanged. */
const isoDate = (text: string) => {
  const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return match ? `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z` : text;
};

/** The `info` document's EXIF fields present in a TIFF structure ("II*\0" or "MM\0*"). */
export function readExifFields(bytes: Uint8Array): Record<string, string> {
  const tiff = openTiff(bytes);
  if (!tiff) return {};
  const fields: Record<string, string> = {};
  const collect = (ifd: Map<number, number>, names: Record<number, string>) => {
    for (const [tag, name] of Object.entries(names)) {
      const entry = ifd.get(Number(tag));
      const value = entry === undefined ? undefined : readValue(tiff, entry);
      if (value !== undefined) fields[name] = name.startsWith('dateTime') ? isoDate(value) : value;
    }
  };
  const pointer = (ifd: Map<number, number>, tag: number) => {
    const entry = ifd.get(tag);
    return entry === undefined ? 0 : tiff.view.getUint32(entry + 8, tiff.little);
  };
  const ifd0 = readIfd(tiff, tiff.view.getUint32(4, tiff.little));
  collect(ifd0, IFD0_FIELDS);
  collect(readIfd(tiff, pointer(ifd0, EXIF_IFD_TAG)), EXIF_FIELDS);
  collect(readIfd(tiff, pointer(ifd0, GPS_IFD_TAG)), GPS_FIELDS);
  return fields;
}

/** IFD0's Orientation from a TIFF structure; undefined if absent or out of range. */
export function readTiffOrientation(bytes: Uint8Array): number | undefined {
  const tiff = openTiff(bytes);
  if (!tiff) return undefined;
  const entry = readIfd(tiff, tiff.view.getUint32(4, tiff.little)).get(ORIENTATION_TAG);
  if (entry === undefined) return undefined;
  const value = tiff.view.getUint16(entry + 8, tiff.little);
  return value >= 1 && value <= 8 ? value : undefined;
}

/** The TIFF structure inside an EXIF block, with or without the "Exif\0\0" header. */
export function tiffOfExif(block: Uint8Array): Uint8Array | undefined {
  const header = [0x45, 0x78, 0x69, 0x66, 0, 0];
  const body = header.every((byte, i) => block[i] === byte) ? block.subarray(6) : block;
  return openTiff(body) ? body : undefined;
}
