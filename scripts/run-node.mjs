// What the project's scripts share: the project root, wrangler's CLI, and running a Node entry
// point (wrangler, or another script) to completion, stopping the caller when it fails.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
export const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };

/** Runs `node entry ...args` from the root; on failure prints its output and exits with its status. */
export function runNode(entry, args) {
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(result.stderr || result.stdout);
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}
