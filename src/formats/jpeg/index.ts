import { BosError } from '../../errors';
import { coversAll, frameRows, type RasterImage, type RowSource } from '../../image';
import {
  decodeJpegRegion,
  JPEG_STREAM_STRIP_ROWS,
  jpegDecoderModule,
  openJpegRows,
} from '../../wasm/jpeg-decoder';
import { encodeJpegRows, jpegEncoderModule } from '../../wasm/jpeg-encoder';
import { decodeLentOrCopied } from '../../wasm/pixels';
import { eighthsFor, wholeRegion } from '../reduce';
import type { EncodeSettings, FormatModule, RowEncoder } from '../types';
import { probeJpeg } from './probe';

const corrupt = () =>
  new BosError('UnsupportedImageFormat', 'The JPEG data is corrupt or truncated.');

/**
 * JPEG through our libjpeg-turbo build (wasm/jpeg/): decoded with DCT-domain scaling in eighths
 * (the IDCT itself outputs fewer pixels, so a 12 MP photo wanted at 400 px never exists at full
 * size) and region decoding (rows above skipped, columns cropped to iMCU boundaries); encoded
 * from row strips with optimised Huffman tables.
 */
/**
 * Outputs up to this size get optimised Huffman tables (a few % smaller, a second pass over a
 * buffer of every coefficient); larger baseline ones are written in one pass with the standard
 * tables, so a 12 MP photo re-encoded at full size fits the isolate.
 */
const JPEG_OPTIMISED_MAX_PIXELS = 8_000_000;

const rowEncoder: RowEncoder = {
  accepts: () => true,
  encode: (rows: RowSource, settings: EncodeSettings) =>
    jpegEncoderModule.use((module) =>
      encodeJpegRows(
        module,
        rows,
        settings.quality,
        settings.progressive,
        settings.progressive || rows.width * rows.height <= JPEG_OPTIMISED_MAX_PIXELS,
      ),
    ),
};

export const jpeg: FormatModule = {
  name: 'jpg',
  mime: 'image/jpeg',
  extensions: ['jpg', 'jpeg'],
  keepsAlpha: false,
  keepsAnimation: false,
  defaultOutput: 'jpg',
  memory: {
    // The decoder's output (lent to the request, not copied) and its working memory, plus a
    // multi-scan file's coefficients at any scale. Measured at 12 MP, full size: 47.4 MiB of wasm
    // memory baseline (1.04 frames), 81.8 MiB progressive 4:2:0 (+3 bytes a pixel).
    decoder: (source) => ({
      frameCopies: 1.2,
      sourceCopies: 0,
      sourcePixelBytes: source.jpegCoefficientBytes ?? 0,
    }),
    // The Huffman-optimising coefficient buffer and the output (a 6 MP re-encode: +65 MiB).
    encoderBytesPerPixel: 6,
    encoderFixedBytes: 0,
    // Larger baseline outputs use the standard Huffman tables in one pass: the output only, in
    // libjpeg's doubling buffer (up to 3 copies while it grows) and the JS copy.
    leanEncoder: { abovePixels: JPEG_OPTIMISED_MAX_PIXELS, bytesPerPixel: 3 },
  },
  /**
   * Measured as SSIM against sharp decoding in full (fastShrinkOnLoad off) on the fixture photos
   * resized to 100–1200 px: a Lanczos still reducing ≥ 1.25× after any M/8 decode loses at most
   * 0.006 against decoding in full (every result ≥ 0.993 but the CMYK photo, whose full decode
   * measures the same); below 1.25× the loss reached 0.015 (the Portrait photo at 200 px: 0.984).
   */
  reduction: {
    faithfulMargin: 1.25,
    applies: () => true,
    stepAtLeast: (wanted) => eighthsFor(wanted) / 8,
  },
  sniff: (bytes) =>
    bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  probe: probeJpeg,
  probeHeader: (prefix) => probeJpeg(prefix, true),
  async decode(bytes, probe, hint, options): Promise<RasterImage> {
    const full = { width: probe.width, height: probe.height };
    const eighths = eighthsFor(hint.scale);
    // Exactly M/8: the last scaled column and row may stand for less than a pixel of the picture.
    const scale = eighths / 8;
    // libjpeg's scaled size is ceil(full × M / 8); regions are given in scaled pixels.
    const scaled = { width: Math.ceil(full.width * scale), height: Math.ceil(full.height * scale) };
    const wanted = wholeRegion(hint.region, full);
    const region = wholeRegion(
      {
        x: wanted.x * scale,
        y: wanted.y * scale,
        width: wanted.width * scale,
        height: wanted.height * scale,
      },
      scaled,
    );
    const pixels = await decodeLentOrCopied(jpegDecoderModule, options.scope, (module) =>
      decodeJpegRegion(module, bytes, eighths, region),
    );
    if (!pixels) throw corrupt();
    const { data, ...size } = pixels;
    const image: RasterImage = { ...size, hasAlpha: false, frames: [{ data, delayMs: 0 }] };
    if (eighths === 8 && coversAll(region, full)) return image;
    return {
      ...image,
      view: {
        full,
        rect: {
          x: region.x / scale,
          y: region.y / scale,
          width: size.width / scale,
          height: size.height / scale,
        },
      },
    };
  },
  encode: (image, settings) => {
    const frame = image.frames[0];
    if (!frame) throw new BosError('InternalError', 'No frame to encode.');
    return rowEncoder.encode(frameRows(frame.data, image, false), settings);
  },
  rowEncoder,
  rowDecoder: {
    // The strip, one CMYK row, and libjpeg's own buffers (a few iMCU rows of samples).
    workingBytes: (probe) => probe.width * 4 * (JPEG_STREAM_STRIP_ROWS + 1 + 3 * 16) + 256 * 1024,
    async open(bytes, _probe, scope) {
      const lease = await scope.hold(jpegDecoderModule);
      const rows = openJpegRows(lease.instance, bytes);
      if (!rows) throw corrupt();
      lease.defer(rows.close);
      return {
        width: rows.width,
        height: rows.height,
        hasAlpha: rows.hasAlpha,
        next(count) {
          const strip = rows.next(count);
          if (!strip) throw corrupt();
          return strip;
        },
        finish() {
          if (!rows.end()) throw corrupt();
        },
      };
    },
  },
};
