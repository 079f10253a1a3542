import { BosError } from '../../errors';
import { LIMITS } from '../../limits';
import { decodePng, pngDecoderModule } from '../../wasm/png-decoder';
import { decodeLentOrCopied } from '../../wasm/pixels';
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

const corrupt = () =>
  new BosError('UnsupportedImageFormat', 'The PNG data is corrupt or truncated.');

/**
 * PNG decoded by our own decoder on libdeflate (wasm/png/decoder.c: every colour type and depth,
 * palette and tRNS, Adam7; 16-bit samples keep their high byte, as squoosh_png did); APNG is read
 * as its default image. Written by our zlib encoder (wasm/png/) from row strips: RGB, or RGBA when
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
    // The file (copied in) and the output frame (lent to the request, not copied), plus the
    // scanlines a 16-bit or interlaced file holds beside the frame; × 1.2 for emscripten's memory
    // growth (it grows by a fifth at least). Measured, wasm memory past its 2 MiB start, one fresh
    // decode: the bench's 3 MP RGBA file + 1.20 frames; 12 MP RGBA + 0.96, RGB + 1.31, RGBA 16-bit
    // + 2.60 (scanlines of 8 a pixel), RGBA Adam7 + 2.53 (squoosh_png held the file and a frame in
    // its memory and a copy in JavaScript, and was given 5 frames).
    decoder: (source) => ({
      frameCopies: 1.25,
      sourceCopies: 1.2,
      sourcePixelBytes: 1.2 * (source.pngScanlineBytes ?? 0),
    }),
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
  async decode(bytes, probe, _hint, options) {
    const pixels = await decodeLentOrCopied(pngDecoderModule, options.scope, (module) =>
      decodePng(module, bytes),
    );
    if (!pixels) throw corrupt();
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
