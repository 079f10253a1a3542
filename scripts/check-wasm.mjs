#!/usr/bin/env node
// CI gate: the committed wasm decoders, and the patches they were built with, are exactly what
// wasm/build.sh recorded in wasm/manifest.json (rebuild with `bash wasm/build.sh` after changing
// a decoder or a patch).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync('wasm/manifest.json', 'utf8'));
let failed = false;
for (const [file, expected] of Object.entries({ ...manifest.patches, ...manifest.outputs })) {
  const actual = createHash('sha256')
    .update(readFileSync(join('wasm', file)))
    .digest('hex');
  const ok = actual === expected;
  failed ||= !ok;
  console.log(`${ok ? 'ok' : 'MISMATCH'}  wasm/${file}  ${actual}`);
}
process.exit(failed ? 1 : 0);
