import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, fixture, rgba, similarity, syntheticJpeg } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

let worker: TestWorker;
const process: TestWorker['process'] = (...args) => worker.process(...args);
const errorCode: TestWorker['errorCode'] = (...args) => worker.errorCode(...args);

/**
 * A lossless picture whose pixels name their own coordinates: R = x mod 256, G = y mod 256,
 * B = (x div 256) + 16·(y div 256). A crop, tile or transpose off by one pixel shows.
 */
function coordinates(width: number, height: number, alpha = 255): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([x & 255, y & 255, (x >> 8) + 16 * (y >> 8), alpha], (y * width + x) * 4);
    }
  }
  return sharp(data, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** The source coordinates each output pixel carries. */
async function coordinatesOf(body: Buffer) {
  const { data, width, height } = await rgba(body);
  const at = (x: number, y: number) => {
    const i = (y * width + x) * 4;
    const b = data[i + 2] as number;
    return [(data[i] as number) + 256 * (b & 15), (data[i + 1] as number) + 256 * (b >> 4)];
  };
  return { width, height, at, alpha: (x: number, y: number) => data[(y * width + x) * 4 + 3] };
}

/** Asserts output (x, y) holds source coordinates `expected(x, y)` for every pixel. */
async function expectMapping(body: Buffer, expected: (x: number, y: number) => [number, number]) {
  const out = await coordinatesOf(body);
  const wrong: string[] = [];
  for (let y = 0; y < out.height && wrong.length < 5; y++) {
    for (let x = 0; x < out.width && wrong.length < 5; x++) {
      const [ex, ey] = expected(x, y);
      const [gx, gy] = out.at(x, y);
      if (gx !== ex || gy !== ey) wrong.push(`(${x},${y}) holds (${gx},${gy}), not (${ex},${ey})`);
    }
  }
  expect(wrong).toEqual([]);
}

beforeAll(async () => {
  worker = await startWorker();
  await worker.put('c1000x800.png', await coordinates(1000, 800));
  await worker.put('c1920x1080.png', await coordinates(1920, 1080));
  await worker.put('c400x300.png', await coordinates(400, 300));
  await worker.put('c600x400.png', await coordinates(600, 400));
  await worker.put('s600x400.jpg', await syntheticJpeg(600, 400));
  await worker.put('s400x300.jpg', await syntheticJpeg(400, 300));
  await worker.put('street.jpg', fixture('photo/2569067123_aca715a2ee_o.jpg'));
  await worker.put('animated.gif', fixture('formats/animated-loop-3.gif'));
  for (const kind of ['Landscape', 'Portrait']) {
    for (let n = 1; n <= 8; n++) {
      await worker.put(`${kind}_${n}.jpg`, fixture(`orientation/${kind}_${n}.jpg`));
    }
  }
});
afterAll(() => worker.dispose());

describe('crop (§3.2, #14, #15)', () => {
  it('x_10,y_10,w_200,h_200 is exactly the 200×200 block from (10, 10)', async () => {
    const response = await process('c1000x800.png', 'image/crop,x_10,y_10,w_200,h_200');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-bce-image-info')).toBe('width=200;height=200');
    await expectMapping(response.body, (x, y) => [10 + x, 10 + y]);
  });

  it('clamps at the far edge: x_900,w_300 → 100×800; no w or h runs to the edge', async () => {
    const clamped = await process('c1000x800.png', 'image/crop,x_900,y_0,w_300');
    expect(await dimensions(clamped.body)).toMatchObject({ width: 100, height: 800 });
    await expectMapping(clamped.body, (x, y) => [900 + x, y]);
    const rest = await process('c1000x800.png', 'image/crop,x_999,y_799');
    await expectMapping(rest.body, () => [999, 799]);
  });

  it('a start outside the image is 400 InvalidArgument', async () => {
    expect(await errorCode('c1000x800.png', 'image/crop,x_1000,y_0')).toBe('400 InvalidArgument');
    expect(await errorCode('c1000x800.png', 'image/crop,y_800')).toBe('400 InvalidArgument');
    expect(await errorCode('c1000x800.png', 'image/crop,w_100,g_se,x_100')).toBe(
      '400 InvalidArgument',
    );
  });

  it.each([
    ['nw', 0, 0],
    ['north', 400, 0],
    ['ne', 800, 0],
    ['west', 0, 300],
    ['center', 400, 300],
    ['east', 800, 300],
    ['sw', 0, 600],
    ['south', 400, 600],
    ['se', 800, 600],
  ])('g_%s: origin (%i, %i), offsets added, clamped at the edge', async (g, ox, oy) => {
    const response = await process('c1000x800.png', `image/crop,w_200,h_200,g_${g}`);
    await expectMapping(response.body, (x, y) => [ox + x, oy + y]);
    const shifted = await process('c1000x800.png', `image/crop,w_200,h_200,x_50,y_30,g_${g}`);
    const width = Math.min(ox + 50 + 200, 1000) - (ox + 50);
    const height = Math.min(oy + 30 + 200, 800) - (oy + 30);
    expect(await dimensions(shifted.body)).toMatchObject({ width, height });
    await expectMapping(shifted.body, (x, y) => [ox + 50 + x, oy + 30 + y]);
  });

  it('a sub-pixel region decode of a JPEG equals sharp’s crop of the full decode', async () => {
    const response = await process(
      'street.jpg',
      'image/crop,x_1001,y_517,w_333,h_251/format,f_png',
    );
    expect(await dimensions(response.body)).toMatchObject({ width: 333, height: 251 });
    const reference = sharp(fixture('photo/2569067123_aca715a2ee_o.jpg')).extract({
      left: 1001,
      top: 517,
      width: 333,
      height: 251,
    });
    expect(await similarity(response.body, reference)).toBeGreaterThanOrEqual(0.99);
  });

  it('crops every frame of an animation', async () => {
    const response = await process('animated.gif', 'image/crop,w_50,h_40,g_center');
    const meta = await sharp(response.body, { animated: true }).metadata();
    expect(meta.format).toBe('gif');
    expect(meta.pages).toBeGreaterThan(1);
    expect(meta.width).toBe(50);
    expect(meta.pageHeight).toBe(40);
  });
});

describe('indexcrop (§3.3, #16–18)', () => {
  it('x_200,i_9 on 1920 wide is the last, partial tile: 120×1080 from x 1800', async () => {
    const response = await process('c1920x1080.png', 'image/indexcrop,x_200,i_9');
    expect(await dimensions(response.body)).toMatchObject({ width: 120, height: 1080 });
    await expectMapping(response.body, (x, y) => [1800 + x, y]);
  });

  it('y_200,i_2 is rows 400–599; i past the end returns the input unchanged', async () => {
    const tile = await process('c1920x1080.png', 'image/indexcrop,y_200,i_2');
    await expectMapping(tile.body, (x, y) => [x, 400 + y]);
    const past = await process('c1920x1080.png', 'image/indexcrop,y_200,i_6');
    expect(await dimensions(past.body)).toMatchObject({ width: 1920, height: 1080 });
    await expectMapping(past.body, (x, y) => [x, y]);
  });

  it('a tile larger than the image is clamped to it', async () => {
    const response = await process('c400x300.png', 'image/indexcrop,x_5000,i_0');
    await expectMapping(response.body, (x, y) => [x, y]);
  });

  it('x and y together → InvalidArgument; neither → MissingArgument', async () => {
    expect(await errorCode('c1920x1080.png', 'image/indexcrop,x_100,y_100')).toBe(
      '400 InvalidArgument',
    );
    expect(await errorCode('c1920x1080.png', 'image/indexcrop,i_1')).toBe('400 MissingArgument');
  });
});

describe('rotate (§3.6, #21, #22)', () => {
  it('90 (bare and a_), -90, 180, 270: exact transposes', async () => {
    const W = 600;
    const H = 400;
    const bare = await process('c600x400.png', 'image/rotate,90');
    expect(await dimensions(bare.body)).toMatchObject({ width: 400, height: 600 });
    // Clockwise: output (x, y) comes from source (y, H-1-x).
    await expectMapping(bare.body, (x, y) => [y, H - 1 - x]);
    const keyed = await process('c600x400.png', 'image/rotate,a_90');
    expect(keyed.body.equals(bare.body)).toBe(true);
    const left = await process('c600x400.png', 'image/rotate,a_-90');
    await expectMapping(left.body, (x, y) => [W - 1 - y, x]);
    const half = await process('c600x400.png', 'image/rotate,a_180');
    await expectMapping(half.body, (x, y) => [W - 1 - x, H - 1 - y]);
    const same = await process('c600x400.png', 'image/rotate,a_270');
    expect(same.body.equals(left.body)).toBe(true);
    for (const a of [0, 360, -360]) {
      await expectMapping((await process('c600x400.png', `image/rotate,a_${a}`)).body, (x, y) => [
        x,
        y,
      ]);
    }
  });

  it('a_30 on a 600×400 JPEG: 720×647 on white corners, the picture turned clockwise', async () => {
    const response = await process('s600x400.jpg', 'image/rotate,a_30/format,f_png');
    expect(await dimensions(response.body)).toMatchObject({ width: 720, height: 647 });
    const { data } = await rgba(response.body);
    expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
    const reference = sharp(await syntheticJpeg(600, 400))
      .rotate(30, { background: '#ffffff' })
      .resize(720, 647, { fit: 'fill' });
    expect(await similarity(response.body, reference)).toBeGreaterThanOrEqual(0.9);
  });

  it('a_45 of a coordinate image: the centre pixel stays, corners follow the clockwise turn', async () => {
    const response = await process('c400x300.png', 'image/rotate,a_-45');
    const out = await coordinatesOf(response.body);
    // 400×300 at 45°: ceil(700·√½) = 495 both ways.
    expect([out.width, out.height]).toEqual([495, 495]);
    const [cx, cy] = out.at(247, 247);
    expect(Math.abs(cx! - 200)).toBeLessThanOrEqual(1);
    expect(Math.abs(cy! - 150)).toBeLessThanOrEqual(1);
    // Counter-clockwise 45°: the source's top-right corner (399, 0) becomes the topmost point,
    // at (247 + 35, 0); the top-left corner (0, 0) the leftmost, at (0, 247 + 35).
    const [tx, ty] = out.at(282, 3);
    expect(tx).toBeGreaterThan(390);
    expect(ty).toBeLessThan(10);
    const [lx, ly] = out.at(3, 282);
    expect(lx).toBeLessThan(10);
    expect(ly).toBeLessThan(10);
  });

  it('exposed corners: transparent for an alpha source to png, white for jpg', async () => {
    await worker.put('c-alpha.png', await coordinates(200, 100, 200));
    const png = await rgba((await process('c-alpha.png', 'image/rotate,a_20')).body);
    expect(png.data[3]).toBe(0);
    const jpg = await rgba((await process('c-alpha.png', 'image/rotate,a_20/format,f_jpg')).body);
    expect(Array.from(jpg.data.subarray(0, 3)).every((v) => v >= 250)).toBe(true);
    // An opaque source stays opaque even as png: white corners (§3.6).
    const opaque = await rgba((await process('c600x400.png', 'image/rotate,a_20')).body);
    expect(Array.from(opaque.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
  });

  it('errors: a_361, bare plus a_, missing a', async () => {
    expect(await errorCode('c600x400.png', 'image/rotate,a_361')).toBe('400 InvalidArgument');
    expect(await errorCode('c600x400.png', 'image/rotate,90,a_90')).toBe('400 InvalidArgument');
    expect(await errorCode('c600x400.png', 'image/rotate')).toBe('400 MissingArgument');
  });
});

describe('circle and rounded-corners (§3.4, §3.5, #19, #20)', () => {
  it('circle,r_500 to png: 299×299, transparent outside, centred on (200, 150)', async () => {
    const response = await process('c400x300.png', 'image/circle,r_500');
    const out = await coordinatesOf(response.body);
    expect([out.width, out.height]).toEqual([299, 299]);
    expect(out.at(149, 149)).toEqual([200, 150]);
    await expectMapping(response.body, (x, y) => [51 + x, 1 + y]);
    expect(out.alpha(0, 0)).toBe(0);
    expect(out.alpha(149, 149)).toBe(255);
    // Anti-aliased rim: partial alpha where the circle meets the square's edge.
    expect(out.alpha(149, 0)).toBeGreaterThan(0);
    const rim = [...Array(299).keys()].map((x) => out.alpha(x, 20) as number);
    expect(rim.some((a) => a > 0 && a < 255)).toBe(true);
  });

  it('circle,r_100 on a jpg stays jpeg, 201×201, white outside', async () => {
    const response = await process('s400x300.jpg', 'image/circle,r_100');
    expect(await dimensions(response.body)).toEqual({ format: 'jpeg', width: 201, height: 201 });
    const { data } = await rgba(response.body);
    expect(Array.from(data.subarray(0, 3)).every((v) => v >= 250)).toBe(true);
  });

  it('rounded-corners,r_10: size kept, corners transparent, edges and inside untouched', async () => {
    const response = await process('c600x400.png', 'image/rounded-corners,r_10');
    const out = await coordinatesOf(response.body);
    expect([out.width, out.height]).toEqual([600, 400]);
    for (const [x, y] of [
      [0, 0],
      [599, 0],
      [0, 399],
      [599, 399],
    ] as const)
      expect(out.alpha(x, y)).toBe(0);
    for (const [x, y] of [
      [10, 0],
      [300, 200],
      [0, 10],
      [589, 399],
    ] as const)
      expect(out.alpha(x, y)).toBe(255);
    await expectMapping(response.body, (x, y) => [x, y]);
    expect(await errorCode('c600x400.png', 'image/rounded-corners')).toBe('400 MissingArgument');
    expect(await errorCode('c600x400.png', 'image/circle,r_0')).toBe('400 InvalidArgument');
  });
});

describe('EXIF orientation (§3.7, #23, #24)', () => {
  it.each(['Landscape', 'Portrait'])('all eight %s files come out upright', async (kind) => {
    const [width, height] = kind === 'Landscape' ? [600, 450] : [450, 600];
    const upright = sharp(fixture(`orientation/${kind}_1.jpg`));
    for (let n = 1; n <= 8; n++) {
      const response = await process(`${kind}_${n}.jpg`, 'image/format,f_png');
      expect(await dimensions(response.body)).toMatchObject({ width, height });
      expect(await similarity(response.body, upright.clone())).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('a leading crop on a rotated file reads the right region of the stored pixels', async () => {
    const command = 'image/crop,x_100,y_50,w_300,h_200/format,f_png';
    for (const n of [3, 6, 8]) {
      const turned = await process(`Landscape_${n}.jpg`, command);
      expect(await dimensions(turned.body)).toMatchObject({ width: 300, height: 200 });
      // The same region cut from this file's own whole, upright decode: no region shift.
      const whole = await process(`Landscape_${n}.jpg`, 'image/format,f_png');
      const cut = sharp(whole.body).extract({ left: 100, top: 50, width: 300, height: 200 });
      expect(await similarity(turned.body, cut), `Landscape_${n}`).toBeGreaterThanOrEqual(0.99);
      // And it is the upright picture's region (the fixtures differ by re-encoding: ~0.94).
      const upright = await process('Landscape_1.jpg', command);
      expect(await similarity(turned.body, upright.body)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('auto-orient,o_0 keeps the stored pixels; it acts first wherever it stands', async () => {
    const stored = await process('Landscape_6.jpg', 'image/auto-orient,o_0/format,f_png');
    expect(await dimensions(stored.body)).toMatchObject({ width: 450, height: 600 });
    const late = await process('Landscape_6.jpg', 'image/resize,w_100/auto-orient,o_1');
    expect(await dimensions(late.body)).toMatchObject({ width: 100, height: 75 });
  });

  it.each([
    ['png', 0.98],
    ['webp', 0.98],
    ['avif', 0.95],
  ] as const)('reads the EXIF orientation of %s files', async (format, floor) => {
    const upright = await syntheticJpeg(300, 200);
    const turned = await sharp(upright)
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .toFormat(format, format === 'avif' ? { quality: 90 } : { lossless: true })
      .toBuffer();
    await worker.put(`turned.${format}`, turned);
    const response = await process(`turned.${format}`, 'image/format,f_png');
    expect(await dimensions(response.body)).toMatchObject({ width: 300, height: 200 });
    expect(await similarity(response.body, sharp(upright))).toBeGreaterThanOrEqual(floor);
  });
});

describe('chains run left to right', () => {
  it('crop → rotate 90 → resize equals the three steps one after another', async () => {
    const chained = await process(
      'c1000x800.png',
      'image/crop,x_100,y_50,w_400,h_300/rotate,a_90/resize,w_150',
    );
    let step = await process('c1000x800.png', 'image/crop,x_100,y_50,w_400,h_300');
    await expectMapping(step.body, (x, y) => [100 + x, 50 + y]);
    await worker.put('step1.png', step.body);
    step = await process('step1.png', 'image/rotate,a_90');
    await expectMapping(step.body, (x, y) => [100 + y, 50 + 299 - x]);
    await worker.put('step2.png', step.body);
    step = await process('step2.png', 'image/resize,w_150');
    expect(await dimensions(chained.body)).toMatchObject({ width: 150, height: 200 });
    expect(chained.body.equals(step.body)).toBe(true);
  });

  it('resize → crop → circle on a JPEG matches the composition within SSIM 0.99', async () => {
    const chained = await process(
      'street.jpg',
      'image/resize,w_800/crop,w_400,h_400,g_center/circle,r_150/format,f_png',
    );
    expect(await dimensions(chained.body)).toMatchObject({ width: 301, height: 301 });
    const resized = await process('street.jpg', 'image/resize,w_800/format,f_png');
    await worker.put('street-800.png', resized.body);
    const cropped = await process('street-800.png', 'image/crop,w_400,h_400,g_center');
    await worker.put('street-crop.png', cropped.body);
    const circled = await process('street-crop.png', 'image/circle,r_150');
    expect(await similarity(chained.body, circled.body)).toBeGreaterThanOrEqual(0.99);
  });

  it('a quarter turn passes the next action’s needs to the decoder: same pixels', async () => {
    // rotate → crop decodes only the region, rotate → resize may decode reduced; the results
    // must equal the same steps on the whole decode.
    const source = await sharp(fixture('photo/2569067123_aca715a2ee_o.jpg'))
      .resize(1600)
      .jpeg({ quality: 92 })
      .toBuffer();
    await worker.put('street-1600.jpg', source);
    const whole = await process('street-1600.jpg', 'image/rotate,a_270/format,f_png');
    expect(whole.status).toBe(200);
    await worker.put('street-270.png', whole.body);
    const command = 'crop,x_100,y_200,w_500,h_400';
    const cropped = await process('street-1600.jpg', `image/rotate,a_270/${command}/format,f_png`);
    const reference = await process('street-270.png', `image/${command}`);
    expect(await similarity(cropped.body, reference.body)).toBeGreaterThanOrEqual(0.99);
    // 1306 → 100 px: the 4× margin asks for a 1/2-scale decode, turned with the picture.
    const small = await process('street-1600.jpg', 'image/rotate,a_90/resize,w_100/format,f_png');
    expect(await dimensions(small.body)).toMatchObject({ width: 100, height: 123 });
    const expected = sharp(source)
      .rotate(90)
      .resize(100, 123, { fit: 'fill', fastShrinkOnLoad: false });
    expect(await similarity(small.body, expected)).toBeGreaterThanOrEqual(0.98);
  });

  it('the 9,999 px limit holds on intermediate sizes', async () => {
    expect(
      await errorCode('c600x400.png', 'image/resize,w_9000,limit_0/rotate,a_45/resize,w_100'),
    ).toBe('400 ImageTooLarge');
  });
});

describe('info and ?exif (§3.17, #34)', () => {
  it('image/info and ?exif give the same alphabetical document, with EXIF fields', async () => {
    const withExif = await sharp(await syntheticJpeg(320, 240))
      .withExif({
        IFD0: { Make: 'Apple', Model: 'iPhone 6', DateTime: '2016:08:31 14:57:07' },
        IFD2: { DateTimeOriginal: '2016:08:31 14:57:07' },
      })
      .jpeg()
      .toBuffer();
    await worker.put('exif.jpg', withExif);
    const info = await process('exif.jpg', 'image/info');
    expect(info.status).toBe(200);
    expect(info.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const exif = await worker.get('/exif.jpg?exif');
    expect(exif.body.toString()).toBe(info.body.toString());
    const document = JSON.parse(info.body.toString()) as Record<string, { value: string }>;
    expect(Object.keys(document)).toEqual([...Object.keys(document)].sort());
    expect(document).toMatchObject({
      format: { value: 'jpg' },
      imageWidth: { value: '320' },
      imageHeight: { value: '240' },
      imageSize: { value: String(withExif.length) },
      make: { value: 'Apple' },
      model: { value: 'iPhone 6' },
      dateTime: { value: '2016-08-31T14:57:07Z' },
      dateTimeOriginal: { value: '2016-08-31T14:57:07Z' },
    });
  });

  it('orientation, resolution and frame count where the file has them', async () => {
    const landscape = JSON.parse((await process('Landscape_6.jpg', 'image/info')).body.toString());
    expect(landscape.orientation).toEqual({ value: '6' });
    expect(landscape.imageWidth).toEqual({ value: '450' });
    const gif = JSON.parse((await process('animated.gif', 'image/info')).body.toString());
    expect(gif.format).toEqual({ value: 'gif' });
    expect(Number(gif.frameCount.value)).toBeGreaterThan(1);
  });

  it('info must stand alone; a missing key is 404', async () => {
    expect(await errorCode('exif.jpg', 'image/resize,w_100/info')).toBe('400 InvalidArgument');
    expect(await errorCode('missing.jpg', 'image/info')).toBe('404 NoSuchKey');
  });
});

describe('colour profiles (§7.3): outputs carry none, so pixels are converted to sRGB', () => {
  it.each([
    ['formats/p3.png', 'Display P3 (matrix, parametric curves)'],
    ['photo/concert.jpg', 'grey with its own tone curve'],
    ['orientation/Landscape_3.jpg', 'a camera RGB profile'],
  ])('%s: %s, as sharp renders it in sRGB', async (path) => {
    const key = path.replace('/', '-');
    await worker.put(key, fixture(path));
    const response = await process(key, 'image/auto-orient,o_0/format,f_png');
    const reference = sharp(fixture(path));
    expect(await similarity(response.body, reference)).toBeGreaterThanOrEqual(0.99);
  });
});

describe('public error text is the protocol’s (§2.2)', () => {
  it('a crop outside the image says so in BOS words, without internal details', async () => {
    const response = await process('c1000x800.png', 'image/crop,x_1000,y_0');
    expect([response.status, response.json().code, response.json().message]).toEqual([
      400,
      'InvalidArgument',
      "Advance cut's position is out of image.",
    ]);
  });

  it('an animated GIF asked for as JPEG is its first frame', async () => {
    const first = await process('animated.gif', 'image/format,f_png');
    const jpeg = await process('animated.gif', 'image/format,f_jpg');
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(first.body).metadata()).pages ?? 1).toBe(1);
    expect(
      await similarity(jpeg.body, sharp(first.body).flatten({ background: '#ffffff' })),
    ).toBeGreaterThan(0.95);
  });
});
