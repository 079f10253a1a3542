import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL('../.tmp/dist', import.meta.url));

/** Bundles the Worker once with Wrangler, exactly as `wrangler deploy` would. */
export default function setup() {
  mkdirSync(BUILD_DIR, { recursive: true });
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url)),
      'deploy',
      '--dry-run',
      '--outdir',
      BUILD_DIR,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
}
