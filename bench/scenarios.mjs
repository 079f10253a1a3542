// Benchmark inputs and scenarios. Inputs are made from a real photo of the test fixtures,
// deterministically (seeded grain), and written to bench/.work/: nothing big is committed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { random } from './random.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work');
const PHOTO = resolve(root, 'test', 'fixtures', 'photo', '2569067123_aca715a2ee_o.jpg');

/**
 * The photo scaled to width×height; `grain` adds sensor-like noise so an upscaled photo has the
 * entropy (and JPEG size) of a real one of that resolution.
 */
async function photo(width, height, grain) {
  const { data, info } = await sharp(PHOTO)
    .resize(width, height, { fit: 'cover', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (grain > 0) {
    const next = random(width * 31 + height);
    for (let i = 0; i < data.length; i++) {
      // Sum of two uniforms: a cheap triangular noise with standard deviation ≈ grain.
      const v = data[i] + (next() + next() - 1) * grain * 2.45;
      data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { data, info };
}

async function save(name, pipeline, format) {
  const bytes = await pipeline.toBuffer();
  const meta = await sharp(bytes).metadata();
  const path = join(work, name);
  writeFileSync(path, bytes);
  return {
    path,
    bytes,
    width: meta.width,
    height: meta.height,
    format,
    extension: name.split('.').pop(),
    megapixels: Math.round((meta.width * meta.height) / 1e5) / 10,
  };
}

const raw = ({ data, info }) =>
  sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });

/** A 4:3 JPEG of `megapixels` (grainy photo, q90), for the memory-limit search. */
export async function sizedJpeg(megapixels) {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  return save(
    `sized-${megapixels}.jpg`,
    raw(await photo(width, height, 7)).jpeg({ quality: 90 }),
    'jpeg',
  );
}

export async function makeInputs() {
  const alphaPhoto = await photo(2048, 1536, 0);
  // A soft round vignette in the alpha channel: real transparency, not a flat mask.
  const rgba = Buffer.alloc(2048 * 1536 * 4);
  for (let y = 0, i = 0; y < 1536; y++) {
    for (let x = 0; x < 2048; x++, i++) {
      const d = Math.hypot((x - 1024) / 1024, (y - 768) / 768);
      rgba[i * 4] = alphaPhoto.data[i * 3];
      rgba[i * 4 + 1] = alphaPhoto.data[i * 3 + 1];
      rgba[i * 4 + 2] = alphaPhoto.data[i * 3 + 2];
      rgba[i * 4 + 3] = Math.max(0, Math.min(255, Math.round((1.1 - d) * 400)));
    }
  }
  return {
    '12mp': await save('12mp.jpg', raw(await photo(4000, 3000, 7)).jpeg({ quality: 90 }), 'jpeg'),
    '24mp': await save('24mp.jpg', raw(await photo(6000, 4000, 7)).jpeg({ quality: 90 }), 'jpeg'),
    '48mp': await save('48mp.jpg', raw(await photo(8000, 6000, 7)).jpeg({ quality: 90 }), 'jpeg'),
    // The protocol's largest JPEG: 200 MP (and at most 20 MB, hence no grain and q 80).
    '200mp': await save(
      '200mp.jpg',
      sharp(PHOTO).resize(16330, 12247, { fit: 'fill' }).jpeg({ quality: 80 }),
      'jpeg',
    ),
    '6mp': await save('6mp.jpg', sharp(PHOTO).jpeg({ quality: 90 }), 'jpeg'),
    alpha: await save(
      'alpha.png',
      sharp(rgba, { raw: { width: 2048, height: 1536, channels: 4 } }).png(),
      'png',
    ),
    '1080p': await save('1080p.jpg', raw(await photo(1920, 1080, 0)).jpeg({ quality: 90 }), 'jpeg'),
    thumb: await save('thumb.jpg', raw(await photo(600, 450, 0)).jpeg({ quality: 90 }), 'jpeg'),
    // A 10-frame 370×285 animation (test/fixtures/formats/animated-loop-3.gif, CC0).
    gif: await save(
      'animated.gif',
      sharp(resolve(root, 'test/fixtures/formats/animated-loop-3.gif'), { animated: true }).gif(),
      'gif',
    ),
  };
}

/**
 * Objects the scenarios read besides their inputs: a 160×48 logo with soft alpha edges (a white
 * plate with a dark bar), as product photos carry.
 */
export async function makeObjects() {
  const width = 160;
  const height = 48;
  const logo = Buffer.alloc(width * height * 4);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      const edge = Math.min(x, y, width - 1 - x, height - 1 - y);
      const bar = y > 18 && y < 30 && x > 20 && x < 140;
      logo.set(bar ? [20, 40, 90] : [255, 255, 255], i);
      logo[i + 3] = Math.min(255, edge * 60);
    }
  }
  const png = await sharp(logo, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
  // The watermark fonts, where the Worker reads them (src/source/fonts.ts).
  const { version } = JSON.parse(readFileSync(resolve(root, 'fonts', 'manifest.json'), 'utf8'));
  const fonts = Object.fromEntries(
    ['serif', 'sans', 'kai', 'mono'].map((face) => [
      `fonts/${version}/${face}.otf`,
      readFileSync(resolve(root, 'fonts', 'dist', `${face}.otf`)),
    ]),
  );
  return { 'logo.png': png, ...fonts };
}

/** Url-safe base64, as watermark values are written. */
const b64 = (text) => Buffer.from(text).toString('base64url');

const WEBP_400 = 'image/resize,m_lfit,w_400,h_400/format,f_webp';

/** `sharp` is what a user would write with sharp for the same result (quality 85 as ours). */
export const SCENARIOS = [
  {
    id: 's1',
    title: '12 MP JPEG → 400 px WebP',
    input: '12mp',
    command: WEBP_400,
    sharp: (s) => s.resize(400, 400, { fit: 'inside' }).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's2',
    title: '12 MP JPEG → 1080 px JPEG, Q 80',
    input: '12mp',
    command: 'image/resize,w_1080/quality,Q_80',
    sharp: (s) => s.resize(1080).jpeg({ quality: 80 }).toBuffer(),
  },
  {
    id: 's3a',
    title: '24 MP JPEG → 400 px WebP',
    input: '24mp',
    command: WEBP_400,
    sharp: (s) => s.resize(400, 400, { fit: 'inside' }).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's3b',
    title: '48 MP JPEG → 400 px WebP',
    input: '48mp',
    command: WEBP_400,
    sharp: (s) => s.resize(400, 400, { fit: 'inside' }).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's3c',
    title: '200 MP JPEG → 1000 px WebP',
    input: '200mp',
    command: 'image/resize,m_lfit,w_1000,h_1000/format,f_webp',
    sharp: (s) => s.resize(1000, 1000, { fit: 'inside' }).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's4',
    title: '2048×1536 PNG with alpha → 800 px WebP',
    input: 'alpha',
    command: 'image/resize,w_800/format,f_webp',
    sharp: (s) => s.resize(800).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's5',
    title: '6 MP photo → crop, rotate 90, 800 px, sharpen → JPEG',
    input: '6mp',
    command:
      'image/crop,x_200,y_200,w_2000,h_1500/rotate,a_90/resize,w_800/sharpen,r_2,s_2/format,f_jpg',
    sharp: (s) =>
      s
        .extract({ left: 200, top: 200, width: 2000, height: 1500 })
        .rotate(90)
        .resize(800)
        .sharpen({ sigma: 2 })
        .jpeg({ quality: 85 })
        .toBuffer(),
  },
  {
    id: 's6',
    title: '1920×1080 JPEG → AVIF',
    input: '1080p',
    command: 'image/format,f_avif',
    // Our AVIF: libaom speed 8, quality 64 (85 × 0.75); sharp's effort 1 is speed 8.
    sharp: (s) => s.avif({ quality: 64, effort: 1 }).toBuffer(),
  },
  {
    id: 's7',
    title: '600×450 JPEG → 150 px (per-request overhead)',
    input: 'thumb',
    command: 'image/resize,w_150',
    sharp: (s) => s.resize(150).jpeg({ quality: 85 }).toBuffer(),
  },
  {
    id: 's8',
    title: '6 MP JPEG re-encoded at full size (quality only)',
    input: '6mp',
    command: 'image/quality,Q_80',
    sharp: (s) => s.jpeg({ quality: 80 }).toBuffer(),
  },
  {
    id: 's11',
    title: '6 MP JPEG → WebP at full size (format only)',
    input: '6mp',
    command: 'image/format,f_webp',
    sharp: (s) => s.webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's9',
    title: '6 MP JPEG → rotate 90 → 1000 px WebP',
    input: '6mp',
    command: 'image/rotate,a_90/resize,w_1000/format,f_webp',
    sharp: (s) => s.rotate(90).resize(1000).webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's12',
    title: '1080p JPEG re-encoded (the baseline of s13)',
    input: '1080p',
    command: 'image/quality,Q_85',
    sharp: (s) => s.jpeg({ quality: 85 }).toBuffer(),
  },
  {
    id: 's13',
    title: '1080p JPEG with a tiled logo watermark → JPEG',
    input: '1080p',
    command: `image/watermark,image_${b64('logo.png')},layout_tile,t_60/quality,Q_85`,
    sharp: async (s, objects) =>
      s
        .composite([
          {
            input: objects['logo.png'],
            tile: true,
            blend: 'over',
          },
        ])
        .jpeg({ quality: 85 })
        .toBuffer(),
  },
  {
    id: 's14',
    title: '1080p JPEG with the production "AI生成" label → JPEG',
    input: '1080p',
    command: `image/watermark,text_${b64('AI生成')},type_${b64('FZLanTingHeiSMGB')},size_28,color_ffffffdd,skw_1,skc_00000051,g_7,blr_50,bls_50,x_11,y_11/quality,Q_85`,
    sharp: (s) =>
      s
        .composite([
          {
            input: Buffer.from(
              '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="40" font-size="28" fill="#fff" stroke="#000" stroke-opacity="0.3">AI生成</text></svg>',
            ),
            gravity: 'southwest',
          },
        ])
        .jpeg({ quality: 85 })
        .toBuffer(),
  },
  {
    id: 's10',
    title: '6 MP JPEG → 800 px, rotate 10° → JPEG',
    input: '6mp',
    command: 'image/resize,w_800/rotate,a_10',
    sharp: (s) => s.resize(800).rotate(10, { background: '#fff' }).jpeg({ quality: 85 }).toBuffer(),
  },
  {
    id: 's15',
    title: '12 MP JPEG re-encoded at full size (quality only)',
    input: '12mp',
    command: 'image/quality,Q_80',
    sharp: (s) => s.jpeg({ quality: 80 }).toBuffer(),
  },
  {
    id: 's16',
    title: '12 MP JPEG → WebP at full size (format only)',
    input: '12mp',
    command: 'image/format,f_webp',
    sharp: (s) => s.webp({ quality: 85 }).toBuffer(),
  },
  {
    id: 's17',
    title: '12 MP JPEG → PNG at full size (format only)',
    input: '12mp',
    command: 'image/format,f_png',
    sharp: (s) => s.png().toBuffer(),
  },
  {
    id: 's18',
    title: 'Animated GIF (10 frames) → animated WebP',
    input: 'gif',
    command: 'image/format,f_webp',
    sharpOptions: { animated: true },
    sharp: (s) => s.webp({ quality: 85 }).toBuffer(),
  },
];
