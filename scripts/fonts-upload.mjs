#!/usr/bin/env node
// `npm run fonts:upload [-- --local]`: puts the watermark fonts where the Worker reads them
// (src/source/fonts.ts): fonts/<version>/<face>.otf from fonts/dist (committed), and the full
// faces fonts/<version>/full/* when fonts/full exists (made by `bash fonts/build.sh`; they are
// read only for characters outside the subsets). Remote bucket by default; --local for wrangler dev.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, runNode, wrangler } from './run-node.mjs';

const local = process.argv.includes('--local');
const bucket = process.env.BUCKET_NAME ?? 'bos-images';
const { version } = JSON.parse(readFileSync(join(root, 'fonts', 'manifest.json'), 'utf8'));

const put = (key, file) => {
  runNode(wrangler, [
    'r2',
    'object',
    'put',
    `${bucket}/${key}`,
    '--file',
    file,
    local ? '--local' : '--remote',
  ]);
  console.log(`  ${bucket}/${key}`);
};

for (const face of ['serif', 'sans', 'kai', 'mono']) {
  put(`fonts/${version}/${face}.otf`, join(root, 'fonts', 'dist', `${face}.otf`));
}
const full = join(root, 'fonts', 'full');
if (existsSync(full)) {
  for (const name of readdirSync(full)) put(`fonts/${version}/full/${name}`, join(full, name));
} else {
  console.log(
    'fonts/full is absent (bash fonts/build.sh makes it): characters outside the subsets draw missing-glyph boxes',
  );
}
