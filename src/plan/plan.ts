import type { BoundAction, SourceNeeds } from '../actions/types';
import type { Config } from '../config';
import { BosError } from '../errors';
import { decodeScale, formatModule } from '../formats/registry';
import type { DecodeHint, DecodeMargin, EncodeSettings, ImageProbe } from '../formats/types';
import type { Size } from '../image';
import { swapsAxes, uprightToStored } from '../kernels/orient';
import { checkOutputSide, LIMITS } from '../limits';
import type { FormatChoice } from '../request/negotiate';
import { RETAINED_BYTES } from '../wasm/loader';
import { predictPeakBytes } from './memory';
import { chooseQuality, resolveFormat } from './output';
import type { ValidatedCommand } from './validate';

/** Everything decided before a pixel is decoded. */
export interface ImagePlan {
  /** EXIF orientation to apply right after decoding (1 = none). */
  orientation: number;
  decodeHint: DecodeHint;
  /**
   * Frames to decode: an animation's first 20 when the output format keeps animation, else only
   * the first (an animated GIF asked for as JPEG decodes one frame, not twenty).
   */
  frames: number;
  actions: BoundAction[];
  /** Size after each action, so the executor can verify the geometry it was promised. */
  sizes: Size[];
  output: Size;
  encode: EncodeSettings;
  /**
   * Rows go from the decoder straight to the encoder, strip by strip, and the decoded frame never
   * exists: a still re-encoded whole (no pixel action, no orientation to apply) between formats
   * that can. A 12 MP photo → WebP at full size holds 48 MB less at its peak.
   */
  streamed: boolean;
  /** The prediction the plan was admitted with (logged if it proves wrong). */
  predictedPeakBytes: number;
}

/**
 * The planner: output format, quality, orientation, limits on every intermediate size, frames,
 * decode scale and region, and the memory the request is admitted with.
 */
export function planImage(
  command: ValidatedCommand,
  probe: ImageProbe,
  sourceBytes: number,
  formatChoice: FormatChoice,
  config: Config,
  /** Memory the actions' decoded resources (a watermark's picture) hold meanwhile. */
  resourceBytes = 0,
): ImagePlan {
  const orient = command.orient?.apply ?? config.autoOrient;
  const orientation = orient ? (probe.orientation ?? 1) : 1;
  const upright: Size = swapsAxes(orientation)
    ? { width: probe.height, height: probe.width }
    : { width: probe.width, height: probe.height };
  const sizes: Size[] = [];
  let size = upright;
  for (const action of command.pixelActions) {
    size = action.outputSize(size);
    checkOutputSide(size, `action ${action.name}`);
    sizes.push(size);
  }
  checkOutputSide(size, 'processing');
  const format = resolveFormat(formatChoice, probe);
  const frames = formatModule(format).keepsAnimation
    ? Math.min(probe.frames, LIMITS.outputFrames)
    : 1;
  const extraBytes = command.pixelActions.reduce((sum, action, index) => {
    const output = sizes[index] ?? upright;
    return sum + action.extraMemory({ input: sizes[index - 1] ?? upright, output, frames });
  }, resourceBytes);
  const needs = firstNeeds(command.pixelActions, upright, sizes);
  const encode: EncodeSettings = {
    format,
    quality: chooseQuality(command, probe, format),
    progressive: command.encoder.progressive ?? false,
    encoderGrantBytes: 0,
  };
  const streamed = streams(command, probe, orientation, encode);
  const predict = (hint: DecodeHint) =>
    predictPeakBytes({
      probe,
      sourceBytes,
      hint,
      sizes,
      resamples: command.pixelActions.map((action) => action.resamples),
      oriented: orientation > 1,
      output: size,
      format,
      frames,
      alpha: probe.hasAlpha || command.pixelActions.some((action) => action.addsAlpha),
      extraBytes,
      progressive: encode.progressive,
      streamed,
    });
  const decodeHint = chooseDecodeHint(probe, orientation, needs, predict, config.memoryBudgetBytes);
  const peak = predict(decodeHint);
  // Only a still's encoder has a faster path to grant (`frames` is 1 for formats that do not
  // animate).
  encode.encoderGrantBytes =
    frames === 1 ? encoderGrant(format, size, config.memoryBudgetBytes - peak) : 0;
  return {
    orientation,
    decodeHint,
    frames,
    predictedPeakBytes: peak + encode.encoderGrantBytes,
    actions: command.pixelActions,
    sizes,
    output: size,
    encode,
    streamed,
  };
}

/**
 * What the planner grants a still's encoder to run faster: its ask (at least 1 MiB: libwebp's
 * first token page alone is larger than 4 bytes a pixel of a thumbnail), when the budget has room.
 * The grant also keeps the encoder's instance within what stays between requests: one that grew
 * past it would be dropped, and a dropped instance's memory lingers until V8 collects it.
 */
const MIN_ENCODER_GRANT_BYTES = 1024 * 1024;

function encoderGrant(format: EncodeSettings['format'], output: Size, room: number): number {
  const { fasterEncoder: faster, encoderBytesPerPixel } = formatModule(format).memory;
  if (!faster) return 0;
  const pixels = output.width * output.height;
  const ask = Math.max(Math.ceil(faster.bytesPerPixel * pixels), MIN_ENCODER_GRANT_BYTES);
  const retained = RETAINED_BYTES - encoderBytesPerPixel * pixels;
  const grant = Math.floor(Math.min(ask, room, retained));
  // Less than a page or two of tokens would only make the encoder start over.
  return grant >= MIN_ENCODER_GRANT_BYTES ? grant : 0;
}

/**
 * Whether the rows can stream from decoder to encoder: a still, nothing done to its pixels but
 * the conversion to sRGB (row by row), nothing to flatten, and codecs on both sides that can.
 */
function streams(
  command: ValidatedCommand,
  probe: ImageProbe,
  orientation: number,
  encode: EncodeSettings,
): boolean {
  const input = formatModule(probe.format);
  const output = formatModule(encode.format);
  return (
    command.pixelActions.length === 0 &&
    orientation === 1 &&
    probe.frames === 1 &&
    (!probe.hasAlpha || output.keepsAlpha) &&
    input.rowDecoder !== undefined &&
    output.rowEncoder?.accepts(encode) === true
  );
}

/**
 * What the decoder must deliver for the chain: the first action's needs, or, when it can pass them
 * through (a quarter turn), the needs of what follows it, mapped back onto its input.
 */
function firstNeeds(actions: BoundAction[], input: Size, sizes: Size[]): SourceNeeds | undefined {
  const [first, ...rest] = actions;
  if (!first) return undefined;
  const next = sizes[0];
  if (rest.length > 0 && next) {
    const downstream = firstNeeds(rest, next, sizes.slice(1));
    const passed = downstream ? first.forwardNeeds(input, downstream) : undefined;
    if (passed) return passed;
  }
  return first.sourceNeeds(input);
}

/**
 * The decoder keeps what a faithful result needs (decodeScale: 1.25× the pixels the first action
 * needs for JPEG, 2× for WebP); when memory does not allow it, less (down to 1×) is tried. The
 * first whose predicted peak fits the budget wins; with none, the request is refused before
 * anything is decoded.
 */
const DECODE_MARGINS: DecodeMargin[] = ['faithful', 2, 1];

function chooseDecodeHint(
  probe: ImageProbe,
  orientation: number,
  needs: SourceNeeds | undefined,
  predict: (hint: DecodeHint) => number,
  budget: number,
): DecodeHint {
  const stored = { width: probe.width, height: probe.height };
  const region = needs?.region ? uprightToStored(needs.region, stored, orientation) : undefined;
  // Animations are decoded whole: their frames are composited at full size.
  const candidates: DecodeHint[] =
    needs && probe.frames === 1
      ? DECODE_MARGINS.map((margin) => ({
          scale: decodeScale(probe, needs.scale, margin),
          ...(region ? { region } : {}),
        }))
      : [{ scale: 1 }];
  let smallest = Infinity;
  for (const hint of candidates) {
    const peak = predict(hint);
    if (peak <= budget) return hint;
    smallest = Math.min(smallest, peak);
  }
  const mib = (bytes: number) => Math.ceil(bytes / 1024 / 1024);
  throw new BosError(
    'ImageTooLarge',
    `Processing this image would need about ${mib(smallest)} MiB; the limit is ${mib(budget)} MiB.`,
  );
}
