/**
 * The Worker's own pipeline (everything after the source bytes are in hand) for plain Node, so
 * the benchmark can time it outside workerd. Bundled by bench/run.mjs with esbuild.
 */
import { readConfig } from '../src/config';
import { renderImage } from '../src/pipeline/render';
import { prepareCommand } from '../src/plan/validate';
import { memorySource } from '../src/source';

export { wasmMemoryBytes } from '../src/wasm/loader';

const config = readConfig({});

/** `objects`: what the command's actions read besides the image (a watermark), by key. */
export async function runPipeline(
  bytes: Uint8Array,
  command: string,
  accept: string | null,
  objects: Record<string, Uint8Array> = {},
) {
  const prepared = prepareCommand(command, accept, config);
  const resources = prepared.command.resources.flatMap((ref) => {
    const object = ref.kind === 'object' ? objects[ref.key] : undefined;
    return object ? [{ ref, etag: '"bench"', bytes: object }] : [];
  });
  const version = Object.keys(objects)
    .find((key) => key.startsWith('fonts/'))
    ?.split('/')[1];
  const source = memorySource('bench', bytes);
  return renderImage({
    source,
    reopen: async () => source,
    prepared,
    config,
    resources,
    fonts: async (face, full) => (full ? undefined : objects[`fonts/${version}/${face}.otf`]),
    started: performance.now(),
  });
}

/** Throws NotImplemented (or a 400) when the command is not executable yet. */
export function checkCommand(command: string): void {
  prepareCommand(command, null, config);
}

/** The effect kernels alone, for the per-effect comparison with sharp. */
export {
  blurInPlace,
  brightTable,
  contrastTable,
  grayscaleInPlace,
  mapRgbInPlace,
  sharpenInPlace,
} from '../src/kernels/effects';
