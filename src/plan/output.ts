import { formatModule } from '../formats/registry';
import type { ImageProbe, OutputFormat } from '../formats/types';
import type { FormatChoice } from '../request/negotiate';
import type { ValidatedCommand } from './validate';

/**
 * The output format once the header is known: the command's, the negotiated one, or the
 * source's default (PROTOCOL.md §7.5, heic → jpg). `f_auto` never trades an animation for a
 * still: when the negotiated format cannot animate and the source's can, the source's stays. The
 * ETag stays valid because the source ETag fixes whether the source is animated.
 */
export function resolveFormat(
  choice: FormatChoice,
  source: { format: ImageProbe['format']; frames: number },
): OutputFormat {
  const own = formatModule(source.format).defaultOutput;
  if (choice.kind === 'source') return own;
  if (
    choice.kind === 'negotiated' &&
    source.frames > 1 &&
    !formatModule(choice.format).keepsAnimation &&
    formatModule(own).keepsAnimation
  ) {
    return own;
  }
  return choice.format;
}

const DEFAULT_QUALITY = 85;

/**
 * PROTOCOL.md §3.14 and §7.5: `est` is the source JPEG's quality (100 for other sources); `q` is
 * relative to it, `Q` absolute and capped by it, and without either JPEG→JPEG never exceeds it.
 */
export function chooseQuality(
  command: ValidatedCommand,
  probe: ImageProbe,
  output: OutputFormat,
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
