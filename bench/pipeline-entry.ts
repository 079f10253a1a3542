/**
 * The Worker's own pipeline (everything after the source bytes are in hand) for plain Node, so
 * the benchmark can time it outside workerd. Bundled by bench/run.mjs with esbuild.
 */
import { readConfig } from '../src/config';
import { renderImage } from '../src/pipeline/render';
import { prepareCommand } from '../src/plan/validate';

export { wasmMemoryBytes } from '../src/wasm/loader';

const config = readConfig({});

export async function runPipeline(bytes: Uint8Array, command: string, accept: string | null) {
  return renderImage(bytes, prepareCommand(command, accept, config), config);
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
