#!/usr/bin/env node
// `npm start`: seeds the local R2 bucket with the sample images, starts `wrangler dev` with the
// playground on (/_bos/playground) and prints example URLs. Works offline; needs only `npm install`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { env, root, runNode, wrangler } from './run-node.mjs';

const bucket = 'bos-images';
const port = process.env.PORT ?? '8787';
const types = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};

const samples = readdirSync(join(root, 'samples')).filter((name) =>
  /\.(jpe?g|png|webp|avif)$/i.test(name),
);
console.log(`Seeding ${samples.length} sample images into the local R2 bucket "${bucket}"…`);
for (const name of samples) {
  const type = types[name.split('.').pop().toLowerCase()];
  runNode(wrangler, [
    'r2',
    'object',
    'put',
    `${bucket}/${name}`,
    '--local',
    '--file',
    join(root, 'samples', name),
    '--content-type',
    type,
  ]);
  console.log(`  ${name}`);
}

// The watermark fonts, as `npm run fonts:upload -- --local` puts them.
process.stdout.write(runNode(join(root, 'scripts', 'fonts-upload.mjs'), ['--local']));

// Two example styles (PROTOCOL.md §4), through the same wrapper as `npm run style`.
const STYLES = {
  thumb: 'image/resize,m_fill,w_200,h_200/format,f_webp',
  preview: 'image/resize,w_800/quality,q_80',
};
for (const [name, command] of Object.entries(STYLES)) {
  const stored = runNode(join(root, 'scripts', 'style.mjs'), ['put', name, command]);
  console.log(`  ${stored.trim()}`);
}

// Without a .dev.vars of the user's, a demo key pair lets the signed examples work locally.
const DEMO_KEYS = { demo: 'demo-secret-for-local-use-only' };
const ownVars = existsSync(join(root, '.dev.vars'));
const vars = [
  ...(ownVars
    ? []
    : ['--var', `ACCESS_KEYS:${JSON.stringify(DEMO_KEYS)}`, '--var', 'ADMIN_ACCESS_KEY:demo']),
  // The playground page (README, "Playground"): off in wrangler.toml, so off when deployed.
  '--var',
  'PLAYGROUND:true',
];

const base = `http://127.0.0.1:${port}`;
const examples = [
  '/flowers.jpeg',
  '/flowers.jpeg?x-bce-process=image/resize,m_fill,w_300,h_200/format,f_webp',
  '/street.jpg?x-bce-process=image/resize,m_lfit,w_400,h_400/quality,q_80',
  '/street.jpg?x-bce-process=image/resize,m_pad,w_500,h_500,color_203040/format,f_png',
  '/street.jpg?x-bce-process=image/resize,m_pad,w_600,h_300,radius_30,sigma_20',
  '/with-alpha.png?x-bce-process=image/resize,w_200/format,f_jpg',
  '/4.webp?x-bce-process=image/resize,p_50/format,f_avif',
  '/Landscape_6.jpg?x-bce-process=image/resize,w_300',
  '/flowers.jpeg?x-bce-process=image/format,f_auto',
  '/street.jpg?x-bce-process=image/crop,w_600,h_600,g_center/resize,w_300',
  '/flowers.jpeg?x-bce-process=image/circle,r_300/format,f_png',
  '/flowers.jpeg?x-bce-process=image/rounded-corners,r_60/format,f_webp',
  '/street.jpg?x-bce-process=image/resize,w_600/rotate,a_-15',
  '/street.jpg?x-bce-process=image/indexcrop,x_500,i_2',
  '/Landscape_6.jpg?exif',
  '/street.jpg?x-bce-process=image/resize,w_600/sharpen,r_2,s_2',
  '/street.jpg?x-bce-process=image/crop,w_800,h_800,g_center/grayscale/resize,w_400',
  '/flowers.jpeg?x-bce-process=image/blur,r_10,s_5/format,f_webp',
  '/flowers.jpeg?x-bce-process=image/resize,w_10000',
  '/street.jpg?x-bce-process=style/thumb',
  '/street.jpg@!preview',
  '/street.jpg@w_300,h_300,q_80',
  '/street.jpg?x-bce-process=image/resize,w_800/watermark,image_bG9nby5wbmc,g_9,x_20,y_20',
  '/flowers.jpeg?x-bce-process=image/resize,w_800/watermark,image_bG9nby5wbmc_eC1iY2UtcHJvY2Vzcz1pbWFnZS9yZXNpemUsd18xMjA,layout_tile,t_40',
  '/street.jpg?x-bce-process=image/resize,w_800/watermark,image_bG9nby5wbmc,g_5,a_-20,P_40,t_70',
  '/street.jpg?x-bce-process=image/resize,w_800/watermark,text_QUnnlJ_miJA,type_RlpMYW5UaW5nSGVpU01HQg,size_28,color_ffffffdd,skw_1,skc_00000051,g_7,blr_50,bls_50,x_11,y_11',
  '/flowers.jpeg?x-bce-process=image/resize,w_800/watermark,text_SGVsbG8g5L2g5aW9,type_S2FpVGk,size_64,g_5,a_-15,color_C03030,effect_softshadow,shx_4,shy_4',
  '/street.jpg?x-bce-process=image/resize,w_800/watermark,image_bG9nby5wbmc,w_120,text_5qC35L6LIFNhbXBsZQ,size_28,color_FFFFFF,effect_softoutline,shc_000000,interval_8,align_1,g_3',
  '/street.jpg@w_600|wm_1,k_bG9nby5wbmc,g_3',
];

/** A URL presigned by the BOS SDK itself for the demo key (valid for an hour). */
function presignedExample() {
  if (ownVars) return undefined;
  const { BosClient } = createRequire(import.meta.url)('@baiducloud/sdk');
  const client = new BosClient({
    endpoint: base,
    credentials: { ak: 'demo', sk: DEMO_KEYS.demo },
  });
  return client.generatePresignedUrl(bucket, 'street.jpg', null, 3600, null, {
    'x-bce-process': 'image/resize,w_400',
  });
}

const dev = spawn(
  process.execPath,
  [wrangler, 'dev', '--ip', '127.0.0.1', '--port', port, ...vars],
  {
    cwd: root,
    env,
    stdio: ['inherit', 'pipe', 'inherit'],
  },
);
let announced = false;
dev.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/i.test(chunk.toString())) {
    announced = true;
    console.log(`\nThe service is running. Playground: ${base}/_bos/playground\nTry:`);
    for (const path of examples) console.log(`  ${base}${path}`);
    const presigned = presignedExample();
    if (presigned) console.log(`\nSigned with the BOS SDK (demo key "demo"):\n  ${presigned}`);
    console.log('\nPress Ctrl+C to stop.\n');
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
