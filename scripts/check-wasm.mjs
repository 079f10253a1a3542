#!/usr/bin/env node
// CI gate: the committed wasm modules, and our sources and patches they were built from, are
// exactly what wasm/build.sh recorded in wasm/manifest.json (rebuild with `bash wasm/build.sh`
// after changing a C source or a patch).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync('wasm/manifest.json', 'utf8'));
let failed = false;
for (const [file, expected] of Object.entries({ ...manifest.inputs, ...manifest.outputs })) {
  const actual = createHash('sha256')
    .update(readFileSync(join('wasm', file)))
    .digest('hex');
  const ok = actual === expected;
  failed ||= !ok;
  console.log(`${ok ? 'ok' : 'MISMATCH'}  wasm/${file}  ${actual}`);
}
// A source or patch the manifest does not list was not built from: rebuild.
for (const folder of ['jpeg', 'webp', 'kernels', 'text', 'png', 'avif']) {
  for (const name of readdirSync(join('wasm', folder))) {
    const file = `${folder}/${name}`;
    if (/\.(c|h|patch|sh|txt)$/.test(name) && !(file in manifest.inputs)) {
      failed = true;
      console.log(`UNRECORDED  wasm/${file} (run bash wasm/build.sh)`);
    }
  }
}
process.exit(failed ? 1 : 0);
