import type { EncoderRequest } from '../actions/types';
import type { Config } from '../config';
import { formatModule } from '../formats/registry';
import type { OutputFormat } from '../formats/types';

/**
 * The output format as far as it is known before the source is read: an explicit format, the
 * result of `f_auto` negotiation, or "the source's own format" (decided by its bytes, which the
 * source ETag pins down). It goes into the ETag and the cache key.
 */
export type FormatChoice =
  | { kind: 'explicit'; format: OutputFormat }
  | { kind: 'negotiated'; format: OutputFormat }
  | { kind: 'source'; negotiated: boolean };

/** True when `Accept` lists `mime` with q > 0 (wildcards do not count, as in BOS). */
export function accepts(accept: string, mime: string): boolean {
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== mime) continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

export function chooseFormat(
  encoder: EncoderRequest,
  accept: string | null,
  config: Config,
): FormatChoice {
  if (encoder.format === undefined) return { kind: 'source', negotiated: false };
  if (encoder.format !== 'auto') return { kind: 'explicit', format: encoder.format };
  const header = accept ?? '';
  // AVIF first (smaller), when the deployment accepts its encoding time; then WebP.
  const candidates: OutputFormat[] = config.autoAvif ? ['avif', 'webp'] : ['webp'];
  const format = candidates.find((candidate) => accepts(header, formatModule(candidate).mime));
  if (format) return { kind: 'negotiated', format };
  return { kind: 'source', negotiated: true };
}

export const formatChoiceToken = (choice: FormatChoice): string =>
  choice.kind === 'source' ? (choice.negotiated ? 'auto:source' : 'source') : choice.format;

export const varies = (choice: FormatChoice): boolean =>
  choice.kind === 'negotiated' || (choice.kind === 'source' && choice.negotiated);
