import { BosError } from '../../errors';
import { decodeHeifPrimary, heifModule } from '../../wasm/heif';
import { brandsOf, probeIsobmff } from '../isobmff';
import { decodedStill } from '../decoded';
import type { FormatModule } from '../types';

const HEIC_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1'];

/** HEIC through libheif + libde265 (libheif-js): the primary image; no encoder (§3.13). */
export const heic: FormatModule = {
  name: 'heic',
  mime: 'image/heic',
  extensions: ['heic', 'heif'],
  keepsAlpha: true,
  keepsAnimation: false,
  // No HEIC encoder runs in a Worker: HEIC sources are answered as JPEG (PROTOCOL.md §7.5).
  defaultOutput: 'jpg',
  memory: {
    decoder: () => ({ frameCopies: 5, sourceCopies: 1 }),
    encoderBytesPerPixel: 0,
    encoderFixedBytes: 0,
  },
  // AVIF brands win: an AVIF file may list mif1 too.
  sniff: (bytes) => {
    const brands = brandsOf(bytes);
    return (
      !brands.some((b) => b === 'avif' || b === 'avis') &&
      brands.some((b) => HEIC_BRANDS.includes(b))
    );
  },
  probe: (bytes) => probeIsobmff(bytes, 'heic'),
  async decode(bytes) {
    const decoded = await heifModule.use((module) => decodeHeifPrimary(module, bytes));
    if (!decoded) {
      throw new BosError('UnsupportedImageFormat', 'The HEIF image could not be decoded.');
    }
    return decodedStill(decoded, decoded.hasAlpha);
  },
};
