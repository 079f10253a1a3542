import { ascii } from '../probe-helpers';
import type { FormatModule } from '../types';
import { decodeGif, encodeGif } from './codec';
import { probeGif } from './probe';

/** GIF through omggif (decode) and gifenc (encode): animated, 1-bit alpha. */
export const gif: FormatModule = {
  name: 'gif',
  mime: 'image/gif',
  extensions: ['gif'],
  keepsAlpha: true,
  keepsAnimation: true,
  defaultOutput: 'gif',
  memory: {
    decoder: () => ({ frameCopies: 2, sourceCopies: 0 }),
    // Indexed frames and the quantiser's working copies.
    encoderBytesPerPixel: 8,
    encoderFixedBytes: 0,
  },
  sniff: (bytes) => bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6)),
  probe: probeGif,
  decode: async (bytes, _probe, _hint, options) => decodeGif(bytes, options.frames),
  encode: async (image) => encodeGif(image),
};
