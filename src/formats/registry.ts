import { BosError } from '../errors';
import { logicalSize, mapRows, type RasterImage } from '../image';
import { LIMITS } from '../limits';
import { isOutOfMemory, type LeaseScope } from '../wasm/loader';
import { avif } from './avif';
import { bmp } from './bmp';
import { gif } from './gif';
import { heic } from './heic';
import { unsupported, truncated } from './probe-helpers';
import { jpeg } from './jpeg';
import { png } from './png';
import type {
  DecodeHint,
  DecodeMargin,
  DecodeOptions,
  EncodeSettings,
  FormatModule,
  ImageFormat,
  ImageProbe,
  OutputFormat,
} from './types';
import { webp } from './webp';

/**
 * The one list of formats, in sniffing order (AVIF before HEIC: an AVIF may list HEIF brands).
 * Every fact about a format (MIME type, alpha, animation, memory, decode steps, codecs) is read
 * from its module; the type below fails the build when a format lacks one.
 */
const FORMATS: { readonly [F in ImageFormat]: FormatModule & { name: F } } = {
  jpg: jpeg as FormatModule & { name: 'jpg' },
  png: png as FormatModule & { name: 'png' },
  webp: webp as FormatModule & { name: 'webp' },
  gif: gif as FormatModule & { name: 'gif' },
  bmp: bmp as FormatModule & { name: 'bmp' },
  avif: avif as FormatModule & { name: 'avif' },
  heic: heic as FormatModule & { name: 'heic' },
};

export const FORMAT_NAMES = Object.keys(FORMATS) as ImageFormat[];

export const formatModule = (format: ImageFormat): FormatModule => FORMATS[format];

/** Whether a format can be written (has an encoder). */
export const isOutputFormat = (format: ImageFormat): format is OutputFormat =>
  FORMATS[format].encode !== undefined;

/** The MIME type of an object named with this extension, when it is an image format's. */
export function mimeOfExtension(extension: string): string | undefined {
  const lower = extension.toLowerCase();
  return Object.values(FORMATS).find((format) => format.extensions.includes(lower))?.mime;
}

/** Recognises the format from the bytes, never from the name or Content-Type. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  return Object.values(FORMATS).find((format) => format.sniff(bytes))?.name;
}

/** The header of any supported image, without decoding a pixel. */
export function probeImage(bytes: Uint8Array): ImageProbe {
  const format = sniffFormat(bytes);
  if (format === undefined) throw unsupported('The object is not an image in a supported format.');
  try {
    return FORMATS[format].probe(bytes);
  } catch (error) {
    // A header field pointing past the end makes DataView throw: that is a corrupt file.
    if (error instanceof RangeError) throw truncated();
    throw error;
  }
}

/**
 * The header from the first bytes alone, when the format allows and they suffice; undefined
 * otherwise (the whole file is then read and probed before planning).
 */
export function probeHeader(prefix: Uint8Array): ImageProbe | undefined {
  const format = sniffFormat(prefix);
  const probe = format === undefined ? undefined : FORMATS[format].probeHeader;
  if (!probe) return undefined;
  try {
    return probe(prefix);
  } catch {
    return undefined;
  }
}

/**
 * Decodes to RGBA (the plan's frames of an animation; a reduced view where the hint allows). Any
 * codec failure is the client's file: a 400, never a 500. Running out of memory is not, and
 * passes through (the pipeline answers 503).
 */
export async function decodeImage(
  bytes: Uint8Array,
  probe: ImageProbe,
  hint: DecodeHint,
  options: DecodeOptions = { frames: Math.min(probe.frames, LIMITS.outputFrames) },
): Promise<RasterImage> {
  let image: RasterImage;
  try {
    image = await FORMATS[probe.format].decode(bytes, probe, hint, options);
  } catch (error) {
    if (error instanceof BosError || isOutOfMemory(error)) throw error;
    throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
  }
  // The decoder must agree with the header the limits were checked against.
  const size = logicalSize(image);
  if (size.width !== probe.width || size.height !== probe.height) {
    throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
  }
  return image;
}

export async function encodeImage(
  image: RasterImage,
  settings: EncodeSettings,
): Promise<Uint8Array> {
  const { encode } = FORMATS[settings.format];
  if (!encode) throw new BosError('InternalError', `No ${settings.format} encoder.`);
  return encoded(settings.format, () => encode(image, settings));
}

/**
 * An encoder's output, its failures as the service's errors: a BosError or running out of memory
 * as they are, anything else (and an empty file) as InternalError.
 */
async function encoded(format: OutputFormat, run: () => Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    const output = await run();
    if (output.length === 0) throw new BosError('InternalError', `The ${format} encoder failed.`);
    return output;
  } catch (error) {
    if (error instanceof BosError || isOutOfMemory(error)) throw error;
    throw new BosError('InternalError', `The ${format} encoder failed.`);
  }
}

/**
 * Decodes a still at full size and encodes it as its rows arrive, with `transform` applied to
 * each strip on the way (the conversion to sRGB): the plan's `streamed` path, where the decoded
 * frame never exists. Damage found in the data while decoding fails the whole request; an
 * encoded result is only returned once the decoder has vouched for every row.
 */
export async function transcodeRows(
  bytes: Uint8Array,
  probe: ImageProbe,
  settings: EncodeSettings,
  scope: LeaseScope,
  transform?: (strip: Uint8Array) => void,
): Promise<Uint8Array> {
  const { rowDecoder } = FORMATS[probe.format];
  const { rowEncoder } = FORMATS[settings.format];
  if (!rowDecoder || !rowEncoder?.accepts(settings)) {
    throw new BosError('InternalError', `No row path from ${probe.format} to ${settings.format}.`);
  }
  return encoded(settings.format, async () => {
    const rows = await rowDecoder.open(bytes, probe, scope);
    // The decoder must agree with the header the limits were checked against.
    if (rows.width !== probe.width || rows.height !== probe.height) {
      throw new BosError('UnsupportedImageFormat', 'The image could not be decoded.');
    }
    const output = await rowEncoder.encode(transform ? mapRows(rows, transform) : rows, settings);
    rows.finish();
    return output;
  });
}

/**
 * The scale this format's decoder will produce for an action that needs `needed` of the full
 * picture, keeping the format's faithful margin (or a smaller fallback margin); 1 when the
 * decoder decodes whole.
 */
export function decodeScale(
  source: { format: ImageFormat; frames: number },
  needed: number,
  margin: DecodeMargin,
): number {
  const reduction = formatModule(source.format).reduction;
  if (!reduction?.applies(source)) return 1;
  // A fallback margin never asks for more than the faithful one.
  const factor =
    margin === 'faithful' ? reduction.faithfulMargin : Math.min(margin, reduction.faithfulMargin);
  return reduction.stepAtLeast(Math.min(1, needed * factor));
}

/** The scale a decoder actually produces for a hint: its own step at or above the hint's scale. */
export const hintScale = (source: { format: ImageFormat; frames: number }, hint: DecodeHint) =>
  decodeScale(source, hint.scale, 1);
