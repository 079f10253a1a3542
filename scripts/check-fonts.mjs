#!/usr/bin/env node
// CI gate: the committed font subsets are exactly what fonts/build.sh recorded in
// fonts/manifest.json, and their version is the hash of them all (it enters ETags).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('fonts/manifest.json', 'utf8'));
let failed = false;
const all = createHash('sha256');
for (const [face, expected] of Object.entries(manifest.subsets)) {
  const bytes = readFileSync(`fonts/dist/${face}.otf`);
  all.update(bytes);
  const actual = createHash('sha256').update(bytes).digest('hex');
  failed ||= actual !== expected;
  console.log(`${actual === expected ? 'ok' : 'MISMATCH'}  fonts/dist/${face}.otf  ${actual}`);
}
// build.sh hashes the subsets concatenated in the shell's glob order (kai, mono, sans, serif).
const version = createHash('sha256')
  .update(
    Buffer.concat(['kai', 'mono', 'sans', 'serif'].map((f) => readFileSync(`fonts/dist/${f}.otf`))),
  )
  .digest('hex')
  .slice(0, 12);
if (version !== manifest.version) {
  failed = true;
  console.log(`MISMATCH  version ${manifest.version}, the subsets hash to ${version}`);
}
process.exit(failed ? 1 : 0);
