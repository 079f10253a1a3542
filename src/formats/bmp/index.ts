import { ascii } from '../probe-helpers';
import type { FormatModule } from '../types';
import { decodeBmp } from './decode';
import { encodeBmp } from './encode';
import { probeBmp } from './header';

/** BMP, our own TypeScript codec (no maintained library fits a Worker); written as 24-bit. */
export const bmp: FormatModule = {
  name: 'bmp',
  mime: 'image/bmp',
  extensions: ['bmp'],
  keepsAlpha: false,
  keepsAnimation: false,
  defaultOutput: 'bmp',
  memory: {
    decoder: () => ({ frameCopies: 2, sourceCopies: 0 }),
    // The output is a frame-sized buffer built in JS.
    encoderBytesPerPixel: 8,
    encoderFixedBytes: 0,
  },
  sniff: (bytes) => bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM',
  probe: probeBmp,
  // Everything is in the fixed headers; the pixel data's length is checked when it is decoded.
  probeHeader: probeBmp,
  decode: async (bytes) => decodeBmp(bytes),
  encode: async (image) => encodeBmp(image),
};
