import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, rgba, similarity } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

let worker: TestWorker;
const process: TestWorker['process'] = (...args) => worker.process(...args);
const errorCode: TestWorker['errorCode'] = (...args) => worker.errorCode(...args);

/** Url-safe base64 of UTF-8 text, as watermark values are written. */
const b64 = (text: string) =>
  Buffer.from(text, 'utf8')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const solid = (width: number, height: number, colour: [number, number, number, number]) =>
  sharp({
    create: {
      width,
      height,
      channels: 4,
      background: { r: colour[0], g: colour[1], b: colour[2], alpha: colour[3] / 255 },
    },
  })
    .png()
    .toBuffer();

/** The bounding box and count of the pixels `matches` accepts (their R, G, B), if any. */
async function boundsWhere(body: Buffer, matches: (r: number, g: number, b: number) => boolean) {
  const { data, width, height } = await rgba(body);
  let left = Infinity;
  let top = Infinity;
  let right = -1;
  let bottom = -1;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (!matches(data[i] as number, data[i + 1] as number, data[i + 2] as number)) continue;
      count++;
      left = Math.min(left, x);
      top = Math.min(top, y);
      right = Math.max(right, x);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1, count };
}

/** The bounding box of the pixels whose colour is close to `colour` (RGB), or undefined. */
async function boxOf(body: Buffer, colour: [number, number, number], tolerance = 8) {
  const bounds = await boundsWhere(
    body,
    (r, g, b) =>
      Math.abs(r - colour[0]) <= tolerance &&
      Math.abs(g - colour[1]) <= tolerance &&
      Math.abs(b - colour[2]) <= tolerance,
  );
  return bounds && { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
}

const RED: [number, number, number] = [255, 0, 0];
const mark = (extra = '') => `image/watermark,image_${b64('logo/red.png')}${extra}/format,f_png`;

beforeAll(async () => {
  worker = await startWorker();
  await worker.put('base.png', await solid(600, 400, [128, 128, 128, 255]));
  await worker.put('logo/red.png', await solid(40, 20, [255, 0, 0, 255]));
  await worker.put('logo/half.png', await solid(40, 20, [255, 0, 0, 128]));
  await worker.put('logo/photo.jpg', fixture('photo/2569067123_aca715a2ee_o.jpg')); // 2725×2225
  await worker.put('logo/broken.png', 'not an image');
  await worker.put('animated.gif', fixture('formats/animated-loop-3.gif'));
});
afterAll(() => worker.dispose());

describe('image watermarks (§3.18)', () => {
  it.each([
    [1, { x: 10, y: 10 }],
    [2, { x: 280, y: 10 }],
    [3, { x: 550, y: 10 }],
    [4, { x: 10, y: 190 }],
    [5, { x: 280, y: 190 }],
    [6, { x: 550, y: 190 }],
    [7, { x: 10, y: 370 }],
    [8, { x: 280, y: 370 }],
    [9, { x: 550, y: 370 }],
  ])('g_%i places the 40×20 block exactly (default margins)', async (g, at) => {
    const response = await process('base.png', mark(`,g_${g}`));
    expect(response.status).toBe(200);
    expect(await boxOf(response.body, RED)).toEqual({ ...at, width: 40, height: 20 });
  });

  it('the default is g_9 with 10 px margins; x/y move it, xp/yp override them', async () => {
    expect(await boxOf((await process('base.png', mark())).body, RED)).toEqual({
      x: 550,
      y: 370,
      width: 40,
      height: 20,
    });
    expect(await boxOf((await process('base.png', mark(',g_1,x_30,y_5'))).body, RED)).toEqual({
      x: 30,
      y: 5,
      width: 40,
      height: 20,
    });
    // In the centre column and middle row, x and y are offsets from the centre.
    expect(await boxOf((await process('base.png', mark(',g_5,x_-20,y_15'))).body, RED)).toEqual({
      x: 260,
      y: 205,
      width: 40,
      height: 20,
    });
    expect(
      await boxOf((await process('base.png', mark(',g_1,x_30,xp_50,yp_25'))).body, RED),
    ).toEqual({ x: 300, y: 100, width: 40, height: 20 });
  });

  it('w scales the picture, P makes it a share of the base width, aspect kept', async () => {
    expect(await boxOf((await process('base.png', mark(',g_1,w_80'))).body, RED, 40)).toEqual({
      x: 10,
      y: 10,
      width: 80,
      height: 40,
    });
    expect(await boxOf((await process('base.png', mark(',g_1,P_20'))).body, RED, 40)).toEqual({
      x: 10,
      y: 10,
      width: 120,
      height: 60,
    });
  });

  it('t sets the opacity; the picture’s own alpha is honoured', async () => {
    const half = await rgba((await process('base.png', mark(',g_1,t_50'))).body);
    const at = (x: number, y: number) =>
      Array.from(half.data.subarray((y * 600 + x) * 4, (y * 600 + x) * 4 + 3));
    // 50 % red over grey 128: 255·0.5 + 128·0.5 ≈ 192, 0·0.5 + 128·0.5 = 64.
    for (const [channel, expected] of at(20, 15).map((v, i) => [v, [192, 64, 64][i]])) {
      expect(Math.abs((channel as number) - (expected as number))).toBeLessThanOrEqual(1);
    }
    expect(at(5, 5)).toEqual([128, 128, 128]);
    const own = await rgba(
      (await process('base.png', `image/watermark,image_${b64('logo/half.png')},g_1/format,f_png`))
        .body,
    );
    const pixel = Array.from(own.data.subarray((15 * 600 + 20) * 4, (15 * 600 + 20) * 4 + 3));
    expect(Math.abs((pixel[0] as number) - 192)).toBeLessThanOrEqual(1);
  });

  it('a turns the block on a transparent bounding box', async () => {
    const turned = await boxOf((await process('base.png', mark(',g_1,a_90'))).body, RED, 40);
    expect(turned).toMatchObject({ x: 10, y: 10, width: 20, height: 40 });
  });

  it('layout_tile covers the whole image with copies a block apart', async () => {
    const { data, width, height } = await rgba(
      (await process('base.png', mark(',layout_tile'))).body,
    );
    let red = 0;
    for (let i = 0; i < width * height; i++)
      if (data[i * 4] === 255 && data[i * 4 + 1] === 0) red++;
    // Each 80×40 cell holds one 40×20 block: a quarter of the picture.
    expect(red / (width * height)).toBeGreaterThan(0.2);
    expect(red / (width * height)).toBeLessThan(0.3);
    // The copy at the requested place is there, and so is one in the opposite corner.
    const at = (x: number, y: number) => [data[(y * width + x) * 4], data[(y * width + x) * 4 + 1]];
    expect(at(560, 380)).toEqual([255, 0]);
    expect(at(480, 380)).toEqual([255, 0]);
    expect(at(520, 380)).toEqual([128, 128]);
  });

  it('pre-processing runs on the picture (#42); stacking draws each watermark', async () => {
    const key = b64('logo/red.png?x-bce-process=image/resize,w_10');
    const small = await process('base.png', `image/watermark,image_${key},g_1/format,f_png`);
    expect(await boxOf(small.body, RED, 40)).toEqual({ x: 10, y: 10, width: 10, height: 5 });
    const two = await process(
      'base.png',
      `image/watermark,image_${b64('logo/red.png')},g_1/watermark,image_${b64('logo/red.png')},g_9/format,f_png`,
    );
    const { data } = await rgba(two.body);
    expect([data[(15 * 600 + 20) * 4], data[(380 * 600 + 570) * 4]]).toEqual([255, 255]);
  });

  it('a large picture shown small is decoded reduced and still matches a full-size resize', async () => {
    /** SSIM of the block drawn at the top left against sharp's resize of the whole picture. */
    const topLeft = async (keys: string, width: number, height: number) => {
      const response = await process(
        'base.png',
        `image/watermark,image_${b64('logo/photo.jpg')},g_1,x_0,y_0,${keys}/format,f_png`,
      );
      const block = await sharp(response.body)
        .extract({ left: 0, top: 0, width, height })
        .png()
        .toBuffer();
      const reference = sharp(fixture('photo/2569067123_aca715a2ee_o.jpg')).resize(width, height);
      return similarity(block, reference);
    };
    expect(await topLeft('w_192', 192, 157)).toBeGreaterThan(0.95);
    // P: a share of the base's width (600 px × 20 % = 120 px).
    expect(await topLeft('P_20', 120, 98)).toBeGreaterThan(0.95);
  });

  it('every frame of an animated base gets the watermark', async () => {
    const response = await process(
      'animated.gif',
      `image/watermark,image_${b64('logo/red.png')},g_1`,
    );
    expect(response.headers.get('content-type')).toBe('image/gif');
    const meta = await sharp(response.body, { pages: -1 }).metadata();
    expect(meta.pages).toBe(10);
    for (const page of [0, 5, 9]) {
      const frame = await rgba(sharp(response.body, { page }));
      const i = (15 * frame.width + 20) * 4;
      expect([frame.data[i], frame.data[i + 1], frame.data[i + 2]]).toEqual([255, 0, 0]);
    }
  });

  it('a JPEG output stays opaque; a replaced picture changes the ETag', async () => {
    const jpeg = await process(
      'base.png',
      `image/watermark,image_${b64('logo/half.png')}/format,f_jpg`,
    );
    expect((await sharp(jpeg.body).metadata()).hasAlpha).toBe(false);
    const before = await process('base.png', mark(',g_3'));
    // A new logo (R2's ETag is the content's MD5: it must really differ).
    await worker.put('logo/red.png', await solid(40, 20, [254, 0, 0, 255]));
    const after = await process('base.png', mark(',g_3'));
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(
      (
        await worker.get('/base.png?x-bce-process=' + mark(',g_3'), {
          headers: { 'if-none-match': after.headers.get('etag') ?? '' },
        })
      ).status,
    ).toBe(304);
  });

  it('errors: other bucket (#41), forbidden pre-processing (#43), missing or broken picture', async () => {
    expect(
      await errorCode('base.png', `image/watermark,image_${b64('logo/red.png')},bucket_other`),
    ).toBe('400 InvalidArgument');
    expect(
      await errorCode(
        'base.png',
        `image/watermark,image_${b64('logo/red.png?x-bce-process=image/circle,r_50')}`,
      ),
    ).toBe('400 InvalidArgument');
    expect(await errorCode('base.png', `image/watermark,image_${b64('logo/none.png')}`)).toBe(
      '400 InvalidArgument',
    );
    expect(await errorCode('base.png', `image/watermark,image_${b64('logo/broken.png')}`)).toBe(
      '400 UnsupportedImageFormat',
    );
    expect(await errorCode('base.png', 'image/watermark,g_9')).toBe('400 MissingArgument');
    expect(await errorCode('base.png', `image/watermark,text_${b64('Hello')},w_28`)).toBe(
      '400 InvalidArgument',
    );
    // Naming the served bucket is allowed.
    const named = await process(
      'base.png',
      `image/watermark,image_${b64('logo/red.png')},bucket_bos-images`,
    );
    expect(named.status).toBe(200);
  });
});

describe('text watermarks (§3.18, #35–#46)', () => {
  const text = (value: string, extra = '') =>
    `image/watermark,text_${b64(value)}${extra}/format,f_png`;
  const DARK: [number, number, number] = [0, 0, 0];
  /** Pixels that differ from the grey base: the ink of whatever was drawn. */
  const inkOf = async (body: Buffer) =>
    (await boundsWhere(body, (r, _g, b) => Math.abs(r - 128) + Math.abs(b - 128) >= 24)) ?? {
      x: 0,
      y: 0,
      width: 0,
      height: 0,
      count: 0,
    };

  beforeAll(async () => {
    await worker.putFonts();
  });

  it('#35: "AI生成", 30 px, black, bottom-right with 10 px margins', async () => {
    const response = await process('base.png', text('AI生成'));
    expect(response.status).toBe(200);
    const ink = await inkOf(response.body);
    expect(590 - (ink.x + ink.width)).toBeGreaterThanOrEqual(0);
    expect(590 - (ink.x + ink.width)).toBeLessThanOrEqual(3);
    expect(390 - (ink.y + ink.height)).toBeGreaterThanOrEqual(0);
    expect(390 - (ink.y + ink.height)).toBeLessThanOrEqual(4);
    expect(ink.height).toBeGreaterThan(20);
    expect(ink.height).toBeLessThan(34);
    expect(await boxOf(response.body, DARK, 40)).toBeDefined();
  });

  it('#36: g_5 centres the text; the anchors place its ink box', async () => {
    const ink = await inkOf((await process('base.png', text('Hello', ',g_5'))).body);
    expect(Math.abs(ink.x + ink.width / 2 - 300)).toBeLessThanOrEqual(3);
    expect(Math.abs(ink.y + ink.height / 2 - 200)).toBeLessThanOrEqual(3);
    const corner = await inkOf((await process('base.png', text('Hello', ',g_1,x_0,y_0'))).body);
    expect(corner.x).toBeLessThanOrEqual(3);
    expect(corner.y).toBeLessThanOrEqual(3);
  });

  it('CJK glyphs are really drawn: swapping two characters changes the picture; faces differ', async () => {
    const a = await process('base.png', text('生成', ',g_5,size_60'));
    const b = await process('base.png', text('成生', ',g_5,size_60'));
    expect(a.body.equals(b.body)).toBe(false);
    expect((await inkOf(a.body)).count).toBeGreaterThan(500);
    const sans = await process('base.png', text('生成', `,g_5,size_60,type_${b64('SimHei')}`));
    const kai = await process('base.png', text('生成', `,g_5,size_60,type_${b64('KaiTi')}`));
    for (const other of [sans, kai]) expect(other.body.equals(a.body)).toBe(false);
    // #38: an unknown name is the default face, no error.
    const unknown = await process('base.png', text('生成', ',g_5,size_60,type_Tm9TdWNoRm9udA'));
    expect(unknown.body.equals(a.body)).toBe(true);
    // #39: the production name, with its base64 padding, is the sans face.
    const production = await process(
      'base.png',
      text('生成', ',g_5,size_60,type_RlpMYW5UaW5nSGVpU01HQg=='),
    );
    expect(production.body.equals(sans.body)).toBe(true);
  });

  it('size scales the text; colour and its alpha are used', async () => {
    const small = await inkOf((await process('base.png', text('Hello', ',size_30'))).body);
    const large = await inkOf((await process('base.png', text('Hello', ',size_60'))).body);
    expect(large.width / small.width).toBeGreaterThan(1.8);
    expect(large.width / small.width).toBeLessThan(2.2);
    const red = await process('base.png', text('■', ',g_5,size_80,color_FF0000'));
    expect(await boxOf(red.body, [255, 0, 0], 2)).toBeDefined();
    const faint = await rgba(
      (await process('base.png', text('■', ',g_5,size_80,color_FF000080'))).body,
    );
    const centre = (200 * 600 + 300) * 4;
    expect(Math.abs((faint.data[centre] as number) - 192)).toBeLessThanOrEqual(2);
  });

  it('stroke, shadows and outline change the ink as specified', async () => {
    const plain = await inkOf((await process('base.png', text('Hello', ',g_5,size_40'))).body);
    const stroked = await inkOf(
      (await process('base.png', text('Hello', ',g_5,size_40,skw_3,skc_FF0000'))).body,
    );
    expect(stroked.width - plain.width).toBeGreaterThanOrEqual(5);
    expect(stroked.count).toBeGreaterThan(plain.count);
    const hard = await process(
      'base.png',
      text('Hello', ',g_1,x_20,y_20,size_40,effect_hardshadow,shx_6,shy_6,shc_FF0000'),
    );
    const shadow = await boxOf(hard.body, [255, 0, 0], 2);
    const letters = await boxOf(hard.body, DARK, 2);
    expect(shadow && letters && shadow.x + shadow.width - (letters.x + letters.width)).toBe(6);
    const soft = await inkOf(
      (await process('base.png', text('Hello', ',g_5,size_40,effect_softoutline,blr_2'))).body,
    );
    expect(soft.width).toBeGreaterThan(plain.width + 3);
    // #44: an unknown effect is refused.
    expect(await errorCode('base.png', `image/watermark,text_SGVsbG8,effect_glow`)).toBe(
      '400 InvalidArgument',
    );
  });

  it('#46: layout_tile covers the image; a turns the text', async () => {
    const tiled = await inkOf((await process('base.png', text('Hello', ',layout_tile'))).body);
    expect(tiled.width).toBeGreaterThan(500);
    expect(tiled.height).toBeGreaterThan(330);
    const flat = await inkOf((await process('base.png', text('Hello world', ',g_5,size_40'))).body);
    const upright = await inkOf(
      (await process('base.png', text('Hello world', ',g_5,size_40,a_90'))).body,
    );
    expect(Math.abs(upright.width - flat.height)).toBeLessThanOrEqual(3);
    expect(Math.abs(upright.height - flat.width)).toBeLessThanOrEqual(3);
  });

  it('mixed: the picture left of the text by default, after it with order_1, interval apart', async () => {
    const mixed = (extra: string) =>
      process(
        'base.png',
        `image/watermark,image_${b64('logo/red.png')},text_${b64('Hi')},size_40,g_5${extra}/format,f_png`,
      );
    const first = await mixed(',interval_10');
    const picture = await boxOf(first.body, RED, 40);
    const words = await boxOf(first.body, DARK, 40);
    expect(picture && words && picture.x + picture.width <= words.x).toBe(true);
    const second = await mixed(',order_1,interval_10');
    const after = await boxOf(second.body, RED, 40);
    const before = await boxOf(second.body, DARK, 40);
    expect(after && before && before.x + before.width <= after.x).toBe(true);
  });

  it('#37, #40: bad colour, too long, foreign keys', async () => {
    expect(await errorCode('base.png', 'image/watermark,text_SGVsbG8,color_GG0000')).toBe(
      '400 InvalidArgument',
    );
    expect(await errorCode('base.png', 'image/watermark,text_SGVsbG8,color_FFF')).toBe(
      '400 InvalidArgument',
    );
    expect(await errorCode('base.png', `image/watermark,text_${'QUFB'.repeat(51)}`)).toBe(
      '400 InvalidArgument',
    );
    expect(await errorCode('base.png', 'image/watermark,text_SGVsbG8,w_28')).toBe(
      '400 InvalidArgument',
    );
  });
});
