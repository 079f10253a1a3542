import { BosError } from '../../errors';
import { decodePngRgba, encodePngRgba, pngModule } from '../../wasm/png';
import { ascii } from '../probe-helpers';
import { decodedStill } from '../decoded';
import type { FormatModule } from '../types';
import { encodeInterlacedPng } from './interlaced';
import { probePng } from './probe';

/**
 * PNG through squoosh_png (the Rust `png` crate; 8/16-bit, palette, alpha). APNG is read as its
 * first frame. `interlace,i_progressive` writes Adam7 with our own small encoder.
 */
export const png: FormatModule = {
  name: 'png',
  mime: 'image/png',
  extensions: ['png'],
  keepsAlpha: true,
  keepsAnimation: false,
  defaultOutput: 'png',
  memory: {
    // Cannot reduce: the decoder holds the source and three frame-sized buffers more in its own
    // memory (measured on the bench's 3 MP PNG).
    decoder: () => ({ frameCopies: 5, sourceCopies: 1 }),
    // Copies the frame in whole, then filters and compresses.
    encoderBytesPerPixel: 14,
    encoderFixedBytes: 0,
  },
  sniff: (bytes) => bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n',
  probe: probePng,
  probeHeader: (prefix) => probePng(prefix, true),
  async decode(bytes, probe) {
    const pixels = await pngModule.use((module) => decodePngRgba(module, bytes));
    return decodedStill(pixels, probe.hasAlpha);
  },
  encode: async (image, settings) => {
    const frame = image.frames[0];
    if (!frame) throw new BosError('InternalError', 'No frame to encode.');
    if (settings.progressive) return encodeInterlacedPng(image);
    return pngModule.use((module) => encodePngRgba(module, frame.data, image));
  },
};
