#!/usr/bin/env node
// CI gate: the folders of src/ form layers in the order a request flows through them, lowest
// first. A module may import from its own folder or a lower one, never a higher one, so shared
// types live in the lowest folder that uses them and no folder depends on one above it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LAYERS = [
  // The root modules (errors, limits, image, config) import only each other.
  '.',
  'wasm',
  'kernels',
  'formats',
  'actions',
  'request',
  'plan',
  'access',
  'source',
  'pipeline',
  'cache',
  'response',
  'handlers',
  'index.ts',
];
const IGNORED = new Set(['shims', 'types']);
const root = resolve('src');

const layerOf = (file) => {
  const [top, ...rest] = relative(root, file).split('/');
  if (rest.length === 0) return top === 'index.ts' ? 'index.ts' : '.';
  return top;
};

const files = [];
const walk = (folder) => {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
};
walk(root);

let failed = false;
for (const file of files) {
  const from = layerOf(file);
  if (IGNORED.has(from)) continue;
  const rank = LAYERS.indexOf(from);
  if (rank < 0) {
    failed = true;
    console.log(
      `UNKNOWN FOLDER  ${relative('.', file)}: add src/${from} to scripts/check-layers.mjs`,
    );
    continue;
  }
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), match[1]);
    if (!target.startsWith(root + '/')) continue; // wasm/dist glue and the like
    const to = layerOf(target.endsWith('.ts') ? target : `${target}.ts`);
    if (IGNORED.has(to) || to === from) continue;
    if (LAYERS.indexOf(to) > rank || (from === '.' && to !== '.')) {
      failed = true;
      console.log(`UPWARD  ${relative('.', file)} (${from}) imports ${match[1]} (${to})`);
    }
  }
}
console.log(
  failed ? 'layering: violations above' : `layering: ${files.length} modules, no upward import`,
);
process.exit(failed ? 1 : 0);
