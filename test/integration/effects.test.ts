import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dimensions,
  fixture,
  rgba,
  similarity,
  syntheticJpeg,
  syntheticPng,
} from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

let worker: TestWorker;
const process: TestWorker['process'] = (...args) => worker.process(...args);
const errorCode: TestWorker['errorCode'] = (...args) => worker.errorCode(...args);

beforeAll(async () => {
  worker = await startWorker();
  await worker.put('street.jpg', fixture('photo/2569067123_aca715a2ee_o.jpg'));
  await worker.put('s600x400.png', await syntheticPng(600, 400, 3));
  await worker.put('alpha.png', await syntheticPng(300, 200, 4));
  await worker.put('s400x300.jpg', await syntheticJpeg(400, 300));
  await worker.put('animated.gif', fixture('formats/animated-loop-3.gif'));
});
afterAll(() => worker.dispose());

describe('effects over HTTP (§3.8–3.12, #25–28)', () => {
  it('bright, contrast and grayscale follow their formulas on a lossless picture', async () => {
    const original = await rgba((await process('s600x400.png', 'image/format,f_png')).body);
    const cases: Array<[string, (v: number) => number]> = [
      ['bright,b_-5', (v) => v - 12.75],
      ['bright,b_40', (v) => v + 102],
      ['contrast,c_30', (v) => ((v - 128) * 130) / 100 + 128],
      ['contrast,c_-100', () => 128],
    ];
    for (const [command, formula] of cases) {
      const out = await rgba((await process('s600x400.png', `image/${command}`)).body);
      for (const i of [0, 1, 2, 4000, 4001, 4002, 959_996]) {
        const expected = Math.min(
          255,
          Math.max(0, Math.round(formula(original.data[i] as number))),
        );
        expect(out.data[i], `${command} at ${i}`).toBe(expected);
      }
    }
    const grey = await rgba((await process('s600x400.png', 'image/grayscale')).body);
    for (const p of [0, 1000, 239_999]) {
      const [r, g, b] = [0, 1, 2].map((c) => original.data[p * 4 + c] as number);
      const y = Math.floor((299 * r! + 587 * g! + 114 * b! + 500) / 1000);
      expect(Array.from(grey.data.subarray(p * 4, p * 4 + 3))).toEqual([y, y, y]);
    }
  });

  it('no-ops: contrast,c_0, bright,b_0, grayscale,g_0 leave the pixels unchanged (#26, #28)', async () => {
    const original = await process('s600x400.png', 'image/format,f_png');
    for (const command of ['contrast,c_0', 'bright,b_0', 'grayscale,g_0']) {
      const response = await process('s600x400.png', `image/${command}`);
      expect(
        Buffer.from((await rgba(response.body)).data).equals(
          Buffer.from((await rgba(original.body)).data),
        ),
      ).toBe(true);
    }
  });

  it("blur and sharpen on a photo: as sharp's blur, and sharper than the source", async () => {
    const blurred = await process('street.jpg', 'image/resize,w_800/blur,r_6,s_2/format,f_png');
    const reference = sharp(fixture('photo/2569067123_aca715a2ee_o.jpg')).resize(800).blur(2);
    expect(await similarity(blurred.body, reference)).toBeGreaterThanOrEqual(0.98);
    const sharpened = await process(
      'street.jpg',
      'image/resize,w_800/sharpen,r_2,s_2/format,f_png',
    );
    const plain = await process('street.jpg', 'image/resize,w_800/format,f_png');
    const similar = await similarity(sharpened.body, plain.body);
    expect(similar).toBeLessThan(0.99);
    expect(similar).toBeGreaterThan(0.8);
  });

  it('alpha is untouched by every effect', async () => {
    const original = await rgba((await process('alpha.png', 'image/format,f_png')).body);
    const alpha = (data: Uint8ClampedArray) => Buffer.from(data.filter((_, i) => i % 4 === 3));
    for (const command of [
      'bright,b_30',
      'contrast,c_50',
      'sharpen,r_3,s_2',
      'blur,r_5,s_3',
      'grayscale',
    ]) {
      const out = await rgba((await process('alpha.png', `image/${command}`)).body);
      expect(alpha(out.data).equals(alpha(original.data)), command).toBe(true);
    }
  });

  it('effects compose with geometry in the order of the chain', async () => {
    const cropThenBlur = await process(
      'street.jpg',
      'image/crop,w_400,h_300,g_center/blur,r_10,s_5/format,f_png',
    );
    const blurThenCrop = await process(
      'street.jpg',
      'image/blur,r_10,s_5/crop,w_400,h_300,g_center/format,f_png',
    );
    expect(await dimensions(cropThenBlur.body)).toMatchObject({ width: 400, height: 300 });
    // Inside, both are the same blur; at the crop's border the first sees extended edges.
    const a = await rgba(cropThenBlur.body);
    const b = await rgba(blurThenCrop.body);
    const at = (img: typeof a, x: number, y: number) =>
      Array.from(img.data.subarray((y * 400 + x) * 4, (y * 400 + x) * 4 + 3));
    expect(at(a, 200, 150)).toEqual(at(b, 200, 150));
    let border = 0;
    for (let x = 0; x < 400; x++)
      for (let c = 0; c < 3; c++)
        border += Math.abs((a.data[x * 4 + c] as number) - (b.data[x * 4 + c] as number));
    expect(border / 1200).toBeGreaterThan(0.5);
    const rotatedGrey = await process('s400x300.jpg', 'image/grayscale/rotate,a_90/bright,b_10');
    expect(await dimensions(rotatedGrey.body)).toMatchObject({ width: 300, height: 400 });
  });

  it('animations: every frame gets the effect', async () => {
    const response = await process('animated.gif', 'image/grayscale');
    const meta = await sharp(response.body, { animated: true }).metadata();
    expect(meta.pages).toBeGreaterThan(1);
    const frames = await sharp(response.body, { animated: true }).ensureAlpha().raw().toBuffer();
    for (let i = 0; i < frames.length; i += 4 * 97) {
      expect(frames[i]).toBe(frames[i + 1]);
      expect(frames[i + 1]).toBe(frames[i + 2]);
    }
  });

  it('errors of §3.8–3.12', async () => {
    expect(await errorCode('s400x300.jpg', 'image/bright,b_101')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/bright')).toBe('400 MissingArgument');
    expect(await errorCode('s400x300.jpg', 'image/contrast,c_-101')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/sharpen,r_2')).toBe('400 MissingArgument');
    expect(await errorCode('s400x300.jpg', 'image/sharpen,100')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/blur,r_0,s_2')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/blur,r_51,s_2')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/grayscale,x_1')).toBe('400 InvalidArgument');
    expect(await errorCode('s400x300.jpg', 'image/grayscale,g_2')).toBe('400 InvalidArgument');
  });
});
