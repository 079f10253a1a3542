/**
 * The Worker's own pipeline (everything after the source bytes are in hand) for plain Node, so
 * the benchmark can time it outside workerd. Bundled by bench/run.mjs with esbuild.
 */
import { readConfig } from '../src/config';
import { prepareCommand, transformImage } from '../src/pipeline/transform';

export { wasmMemoryBytes } from '../src/wasm-memory';

const config = readConfig({});

export async function runPipeline(bytes: Uint8Array, command: string, accept: string | null) {
  const prepared = prepareCommand(command, accept, config);
  const { rendered, imagePlan } = await transformImage(bytes, prepared, config);
  return { ...rendered, format: imagePlan.encode.format };
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
