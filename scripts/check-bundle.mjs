#!/usr/bin/env node
// CI gate: the deployable bundle, as `wrangler deploy` would upload it, must stay within the
// platform's Worker size limit: 64 MiB uncompressed on every plan since 2026-09 (the 3 MB / 10 MB
// compressed limits were retired). The gzip size is printed for the record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const LIMIT = 64 * 1024 * 1024;
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
  `bundle: ${(raw / 1e6).toFixed(2)} MB raw (limit ${LIMIT / 1024 / 1024} MiB), ${(gzip / 1e6).toFixed(2)} MB gzip`,
);
if (raw > LIMIT) {
  console.error('The bundle exceeds the 64 MiB Worker size limit.');
  process.exit(1);
}
