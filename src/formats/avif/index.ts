import { BosError } from '../../errors';
import {
  avifDecoderModule,
  avifEncoderModule,
  decodeAvifRgba,
  encodeAvifRgba,
} from '../../wasm/avif';
import { brandsOf, probeIsobmff } from '../isobmff';
import { decodedStill } from '../decoded';
import { withPixiProperties } from './pixi';
import type { FormatModule } from '../types';

/** A WebP or AVIF quality that looks like a given JPEG quality. */
const avifQuality = (jpegQuality: number) => Math.max(1, Math.round(jpegQuality * 0.75));

/** AVIF through libavif (@jsquash/avif): dav1d to decode, aom at speed 8 to encode. */
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
    // Another 16 MiB instance and ~32 bytes a pixel.
    encoderBytesPerPixel: 32,
    encoderFixedBytes: 16 * 1024 * 1024,
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
    const output = await avifEncoderModule.use((module) =>
      encodeAvifRgba(module, frame.data, image, avifQuality(settings.quality)),
    );
    if (!output) throw new BosError('InternalError', 'The avif encoder failed.');
    return output;
  },
};
