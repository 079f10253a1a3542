import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const BUILD_DIR = resolve('test/.tmp/dist');

/** Bundles the Worker once with Wrangler, exactly as `wrangler deploy` would. */
export default function setup() {
  mkdirSync(BUILD_DIR, { recursive: true });
  execFileSync(
    process.execPath,
    [
      resolve('node_modules/wrangler/bin/wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      BUILD_DIR,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
}
