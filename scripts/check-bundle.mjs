#!/usr/bin/env node
// CI gate: the deployable bundle, as `wrangler deploy` would upload it, must stay within the
// free plan's 3 MB (gzip) Worker size limit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const LIMIT = 3_000_000;
const outdir = mkdtempSync(join(os.tmpdir(), 'bundle-'));
const result = spawnSync(
  process.execPath,
  ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir],
  { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
);
const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(
  result.stdout + result.stderr,
);
if (result.status !== 0 || !match) {
  console.error(result.stdout, result.stderr);
  process.exit(1);
}
const raw = Number(match[1]) * 1024;
const gzip = Number(match[2]) * 1024;
console.log(
  `bundle: ${(raw / 1e6).toFixed(2)} MB raw, ${(gzip / 1e6).toFixed(2)} MB gzip (limit ${LIMIT / 1e6} MB)`,
);
if (gzip > LIMIT) {
  console.error('The gzipped bundle exceeds the 3 MB free-plan limit.');
  process.exit(1);
}
