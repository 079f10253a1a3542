#!/usr/bin/env node
// `npm run fonts:upload [-- --local]`: puts the watermark fonts where the Worker reads them
// (src/source/fonts.ts): fonts/<version>/<face>.otf from fonts/dist (committed), and the full
// faces fonts/<version>/full/* when fonts/full exists (made by `bash fonts/build.sh`; they are
// read only for characters outside the subsets). Remote bucket by default; --local for wrangler dev.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const local = process.argv.includes('--local');
const bucket = process.env.BUCKET_NAME ?? 'bos-images';
const { version } = JSON.parse(readFileSync(join(root, 'fonts', 'manifest.json'), 'utf8'));

const put = (key, file) => {
  const result = spawnSync(
    process.execPath,
    [
      wrangler,
      'r2',
      'object',
      'put',
      `${bucket}/${key}`,
      '--file',
      file,
      local ? '--local' : '--remote',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  if (result.status !== 0) {
    console.error(result.stderr || result.stdout);
    process.exit(result.status ?? 1);
  }
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
