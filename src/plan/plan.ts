import type { DecodeHint, EncodeSettings } from '../codecs';
import { decodeScale, type DecodeMargin } from '../codecs/reduced';
import { BosError } from '../errors';
import type { ImageProbe } from '../codecs/probe';
import type { Config } from '../config';
import type { Size } from '../image';
import { swapsAxes, uprightToStored } from '../kernels/orient';
import type { BoundAction, SourceNeeds } from '../operations/types';
import { predictPeakBytes } from './memory';
import { resolveFormat, type FormatChoice } from '../request/negotiate';
import type { CommandPlan } from './command';
import { checkOutputSide } from './limits';

/** Everything decided before a pixel is decoded. */
export interface ImagePlan {
  /** EXIF orientation to apply right after decoding (1 = none). */
  orientation: number;
  decodeHint: DecodeHint;
  actions: BoundAction[];
  /** Size after each action, so the executor can verify the geometry it was promised. */
  sizes: Size[];
  output: Size;
  encode: EncodeSettings;
}

const DEFAULT_QUALITY = 85;

/**
 * PROTOCOL.md §3.14 and §7.5: `est` is the source JPEG's quality (100 for other sources); `q` is
 * relative to it, `Q` absolute and capped by it, and without either JPEG→JPEG never exceeds it.
 */
export function chooseQuality(
  command: CommandPlan,
  probe: ImageProbe,
  output: EncodeSettings['format'],
): number {
  const estimate = probe.format === 'jpg' ? (probe.jpegQuality ?? 100) : 100;
  const { relativeQuality, absoluteQuality } = command.encoder;
  if (absoluteQuality !== undefined) return Math.max(1, Math.min(absoluteQuality, estimate));
  if (relativeQuality !== undefined) {
    return Math.max(1, Math.floor((estimate * relativeQuality) / 100 + 0.5));
  }
  return output === 'jpg' && probe.format === 'jpg'
    ? Math.min(DEFAULT_QUALITY, estimate)
    : DEFAULT_QUALITY;
}

/** The planner: output format, orientation, limits on every intermediate size, decode hint. */
export function planImage(
  command: CommandPlan,
  probe: ImageProbe,
  sourceBytes: number,
  formatChoice: FormatChoice,
  config: Config,
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
  const needs = firstNeeds(command.pixelActions, upright, sizes);
  const decodeHint = chooseDecodeHint(
    probe,
    orientation,
    needs,
    (hint) =>
      predictPeakBytes({
        probe,
        sourceBytes,
        hint,
        sizes,
        resamples: command.pixelActions.map((action) => action.resamples),
        oriented: orientation > 1,
        output: size,
        format,
      }),
    config.memoryBudgetBytes,
  );
  return {
    orientation,
    decodeHint,
    actions: command.pixelActions,
    sizes,
    output: size,
    encode: {
      format,
      quality: chooseQuality(command, probe, format),
      progressive: command.encoder.progressive ?? false,
    },
  };
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
