import type { DecodeHint, EncodeSettings } from '../codecs';
import type { ImageProbe } from '../codecs/probe';
import type { Config } from '../config';
import type { Size } from '../image';
import { swapsAxes, uprightToStored } from '../kernels/orient';
import type { BoundAction } from '../operations/types';
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
  return {
    orientation,
    decodeHint: decodeHint(probe, upright, orientation, command.pixelActions[0]),
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
 * What the first action reads of the upright picture, turned into a request to the decoder in
 * stored pixels. Animations are decoded whole (their frames are composited at full size).
 */
function decodeHint(
  probe: ImageProbe,
  upright: Size,
  orientation: number,
  first: BoundAction | undefined,
): DecodeHint {
  if (!first || probe.frames > 1) return { scale: 1 };
  const needs = first.sourceNeeds(upright);
  const stored = { width: probe.width, height: probe.height };
  return needs.region
    ? { scale: needs.scale, region: uprightToStored(needs.region, stored, orientation) }
    : { scale: needs.scale };
}
