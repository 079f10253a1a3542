import { BosError } from '../../errors';
import { avifDecoderModule, decodeAvifRgba } from '../../wasm/avif';
import { avifEncoderModule, encodeAvifRows } from '../../wasm/avif-encoder';
import { frameRows } from '../../image';
import { brandsOf, probeIsobmff } from '../isobmff';
import { decodedStill } from '../decoded';
import { withPixiProperties } from './pixi';
import type { FormatModule, RowEncoder } from '../types';

/** A WebP or AVIF quality that looks like a given JPEG quality. */
const avifQuality = (jpegQuality: number) => Math.max(1, Math.round(jpegQuality * 0.75));

/** Stills are written from rows (a re-encode streams them from the JPEG decoder). */
const rowEncoder: RowEncoder = {
  accepts: () => true,
  encode: (rows, settings) =>
    avifEncoderModule.use((module) => encodeAvifRows(module, rows, avifQuality(settings.quality))),
};

/**
 * AVIF: libavif + dav1d (@jsquash/avif) to decode; our encoder (wasm/avif/: libaom all-intra at
 * speed 8, its SIMD paths as wasm SIMD, our container writer) to encode.
 */
export const avif: FormatModule = {
  name: 'avif',
  mime: 'image/avif',
  extensions: ['avif'],
  keepsAlpha: true,
  // Animated AVIF is read as its first frame (PROTOCOL.md §7.1).
  keepsAnimation: false,
  defaultOutput: 'avif',
  memory: {
    // Cannot reduce: the decoder holds the source and three frame-sized buffers more.
    // A file lacking `pixi` is decoded from an amended copy (formats/avif/pixi.ts): two sources.
    decoder: () => ({ frameCopies: 5, sourceCopies: 2 }),
    // The encoder's wasm memory growth as measured (its initial 2 MiB is in the isolate's base),
    // photos at speed 8: 1080p 42.8 MiB, 6 MP (2725×2225) 118.4 MiB, 12 MP (4000×3000) 228 MiB,
    // i.e. ~4 MiB + 19.6 bytes a pixel: our YUV 4:2:0 (1.5), libaom's copy of it and its
    // reconstruction (1.5 each), the whole frame's coefficients (6.3), mode info (4), its output
    // buffer (3). Transparency adds the alpha plane (1; the alpha image is encoded after the
    // colour's memory is freed): 2048×1536 with alpha 67.6 MiB.
    encoderBytesPerPixel: 20,
    encoderFixedBytes: 4 * 1024 * 1024,
    encoderAlphaBytesPerPixel: 1.5,
  },
  sniff: (bytes) => brandsOf(bytes).some((brand) => brand === 'avif' || brand === 'avis'),
  probe: (bytes) => probeIsobmff(bytes, 'avif'),
  async decode(bytes, probe) {
    const input = withPixiProperties(bytes);
    const pixels = await avifDecoderModule.use((module) => decodeAvifRgba(module, input));
    if (!pixels) throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
    return decodedStill(pixels, probe.hasAlpha);
  },
  encode: async (image, settings) => {
    const frame = image.frames[0];
    if (!frame) throw new BosError('InternalError', 'No frame to encode.');
    return rowEncoder.encode(frameRows(frame.data, image, image.hasAlpha), settings);
  },
  rowEncoder,
};
