import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';
import { random } from '../../bench/random.mjs';

/**
 * Seeded mutation fuzzing through the real Worker: fixtures of every format with bytes
 * overwritten, inserted or cut, each requested with a command. No answer may be a 5xx, take longer
 * than the per-request limit, or be a 200 whose body does not decode. `FUZZ_RUNS` sets the count
 * (CI: 2,000; `FUZZ_RUNS=10000 npx vitest run test/integration/fuzz.test.ts` locally), `FUZZ_SEED`
 * the seed; a failure prints the seed and mutation so it can become a fixture.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const PER_REQUEST_MS = 10_000;

const SOURCES = [
  'formats/progressive.jpg',
  'orientation/Landscape_6.jpg',
  'formats/with-alpha.png',
  'formats/p3.png',
  'formats/5_webp_a.webp',
  'formats/animated-loop-3.webp',
  'formats/animated-loop-3.gif',
  'formats/grey-plus-alpha.gif',
  'formats/rgb24.bmp',
  'formats/rgb24rle24.bmp',
  'formats/example.avif',
];
const COMMANDS = [
  'image/resize,w_64/format,f_png',
  'image/crop,w_40,h_40,g_center/format,f_webp',
  'image/rotate,a_30/resize,w_48/format,f_jpg',
  'image/info',
  // No pixel action: a JPEG's rows stream from decoder to encoder (plan.streamed). An output
  // format is named so that every 200 is one sharp can read back (it reads no BMP).
  'image/quality,Q_70/format,f_jpg',
  'image/format,f_webp',
];

/** One mutant: a few bytes overwritten (mostly), or a run inserted, or the tail cut. */
function mutate(bytes: Buffer, next: () => number): { bytes: Uint8Array; how: string } {
  const out = Array.from(bytes);
  const kind = next();
  const at = Math.floor(next() * out.length);
  if (kind < 0.7) {
    const count = 1 + Math.floor(next() * 16);
    for (let i = 0; i < count; i++) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
    return { bytes: Uint8Array.from(out), how: `overwrite ${count}` };
  }
  if (kind < 0.85) {
    const run = Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256));
    out.splice(at, 0, ...run);
    return { bytes: Uint8Array.from(out), how: `insert ${run.length} at ${at}` };
  }
  return { bytes: Uint8Array.from(out.slice(0, at)), how: `cut at ${at}` };
}

/** `promise`, or undefined once `ms` pass (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let cancel = () => {};
  const late = new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    cancel = () => clearTimeout(timer);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    cancel();
  }
}

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker.dispose());

describe('mutation fuzzing through the Worker', () => {
  // Every step has its own limit, so a stuck step fails fast and says which it was, run and
  // mutation included, instead of running into the test's own timeout with nothing to show.
  it(`${RUNS} mutants: no 5xx, no hang, no undecodable 200`, async () => {
    const next = random(SEED);
    const defects: string[] = [];
    const statuses = new Map<number, number>();
    const began = Date.now();
    for (let run = 0; run < RUNS; run++) {
      const source = SOURCES[run % SOURCES.length] as string;
      const command = COMMANDS[Math.floor(next() * COMMANDS.length)] as string;
      const { bytes, how } = mutate(fixture(source), next);
      const key = `fuzz/${run}`;
      const where = `run ${run} (seed ${SEED}): ${source} ${how}, ${command}`;
      if (
        (await within(
          worker.put(key, bytes).then(() => true),
          PER_REQUEST_MS,
        )) !== true
      ) {
        defects.push(`stuck storing the mutant: ${where}`);
        break;
      }
      const started = Date.now();
      const response = await within(worker.process(key, command), PER_REQUEST_MS);
      if (!response) {
        defects.push(`hang: ${where}`);
        break;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500)
        defects.push(`${response.status} ${response.body.toString().slice(0, 120)}: ${where}`);
      if (Date.now() - started > PER_REQUEST_MS) defects.push(`slow: ${where}`);
      if (response.status === 200 && command !== 'image/info') {
        const decoded = await within(
          sharp(response.body)
            .metadata()
            .catch(() => undefined),
          PER_REQUEST_MS,
        );
        if (!decoded?.width) defects.push(`undecodable 200: ${where}`);
      }
      // The local bucket lives on disk: 2,000 mutants would otherwise leave ~80 MB there.
      await within(worker.delete(key), PER_REQUEST_MS);
      if ((run + 1) % 500 === 0)
        console.log(`fuzz: ${run + 1} mutants in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
    console.log(`fuzz: ${RUNS} mutants, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(defects).toEqual([]);
  }, 600_000);
});
