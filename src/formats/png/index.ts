import { BosError } from '../../errors';
import { LIMITS } from '../../limits';
import { decodePngRgba, pngModule } from '../../wasm/png';
import { encodePngRows, pngEncoderModule } from '../../wasm/png-encoder';
import { ascii } from '../probe-helpers';
import { decodedStill } from '../decoded';
import { frameRows } from '../../image';
import type { FormatModule, RowEncoder } from '../types';
import { encodeInterlacedPng } from './interlaced';
import { probePng } from './probe';

/**
 * zlib's fastest level. squoosh_png, which wrote our PNGs before, also used its fastest setting
 * (its zlib header declares FLEVEL 0; Sub filter on every row). sharp's default is level 6 but with
 * zlib-ng and no filtering, a fast trade-off too. On the 2725×2225 photo fixture (RGB, wasm CPU
 * time): level 1 writes 6.63 MB in 0.30 s, level 4 5.97 MB in 0.67 s, level 6 5.66 MB in 2.0 s;
 * squoosh_png wrote 9.40 MB (RGBA) in 0.19 s; sharp 0.34.5 at its defaults 10.43 MB in 0.40 s (with
 * adaptive filtering 5.64 MB in 0.87 s). On 12 MP level 6 cost 4.8–5.9 s for 0–17 % less.
 */
const PNG_LEVEL = 1;

/**
 * PNG decoded through squoosh_png (the Rust `png` crate; 8/16-bit, palette, alpha); APNG is read
 * as its first frame. Written by our zlib encoder (wasm/png/) from row strips: RGB, or RGBA when
 * the image has alpha; `interlace,i_progressive` writes Adam7 with our own small encoder.
 */
/** Plain (not interlaced) PNGs are written from rows; Adam7 needs the whole image. */
const rowEncoder: RowEncoder = {
  accepts: (settings) => !settings.progressive,
  async encode(rows) {
    const maxBytes = LIMITS.outputBytes;
    const png = await pngEncoderModule.use((module) =>
      encodePngRows(module, rows, { hasAlpha: rows.hasAlpha, level: PNG_LEVEL, maxBytes }),
    );
    if (!png) {
      throw new BosError(
        'ImageTooLarge',
        `The encoded image is more than ${maxBytes} bytes; the limit is ${maxBytes}.`,
      );
    }
    return png;
  },
};

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
    // The frame goes in by 16-row strips and the encoder's wasm memory stays at 2 MiB (measured at
    // 2725 and 4000 px wide: within the base's encoder allowance); the file is held twice in JS at
    // the end (the pieces taken after every strip, then joined): 2 × its 1.09 B/px on the 6 MP
    // photo, 1.18 on the synthetic 12 MP JPEG of the tests, 1.59 on the bench's grainy 12 MP photo.
    // In workerd a full-size 6 MP photo → PNG grew +52 MiB (squoosh_png, which took the frame
    // whole: +116 MiB, 14 a pixel); 12 MP +102–119 MiB (squoosh_png +215–226 MiB).
    // 3.5 a pixel covers the worst measured (2 × 1.59) with a margin.
    encoderBytesPerPixel: 3.5,
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
    return rowEncoder.encode(frameRows(frame.data, image, image.hasAlpha), settings);
  },
  rowEncoder,
};
