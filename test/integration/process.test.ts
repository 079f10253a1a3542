import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, probeImage } from '../../src/formats/registry';
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

beforeAll(async () => {
  worker = await startWorker();
  await worker.put('flowers.jpeg', fixture('photo/flowers.jpeg'), 'image/jpeg');
  await worker.put('s600x400.jpg', await syntheticJpeg(600, 400));
  await worker.put('s200x100.jpg', await syntheticJpeg(200, 100));
  await worker.put('s400x300.jpg', await syntheticJpeg(400, 300));
  await worker.put('alpha.png', await syntheticPng(600, 400, 4));
  await worker.put('with-alpha.png', fixture('formats/with-alpha.png'));
  await worker.put('4.webp', fixture('formats/4.webp'));
  await worker.put(
    'cosmos.avif',
    fixture('formats/sdr_cosmos12920_cicp1-13-6_yuv444_full_qp10.avif'),
  );
  await worker.put('Landscape_6.jpg', fixture('orientation/Landscape_6.jpg'));
  await worker.put('street.jpg', fixture('photo/2569067123_aca715a2ee_o.jpg'));
  await worker.put('example.heic', fixture('formats/example.heic'));
  await worker.put('animated.gif', fixture('formats/animated-loop-3.gif'));
  await worker.put('rgb24.bmp', fixture('formats/rgb24.bmp'));
  for (const q of [95, 80, 75, 70]) await worker.put(`q${q}.jpg`, await syntheticJpeg(320, 240, q));
});
afterAll(() => worker.dispose());

describe("the issue's acceptance request", () => {
  it('resize,m_fill,w_300,h_200/format,f_webp: a 300×200 WebP with every documented header', async () => {
    const response = await process('flowers.jpeg', 'image/resize,m_fill,w_300,h_200/format,f_webp');
    expect(response.status).toBe(200);
    expect(await dimensions(response.body)).toEqual({ format: 'webp', width: 300, height: 200 });
    const h = response.headers;
    expect(h.get('content-type')).toBe('image/webp');
    expect(h.get('content-length')).toBe(String(response.body.length));
    expect(h.get('content-md5')).toBe(createHash('md5').update(response.body).digest('base64'));
    expect(h.get('x-bce-image-info')).toBe('width=300;height=200');
    // Shareable: no request id a cache in front would replay (errors carry theirs).
    expect(h.get('x-bce-request-id')).toBeNull();
    expect(h.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(h.get('last-modified')).toMatch(/GMT$/);
    expect(h.get('cache-control')).toBe('public, max-age=86400, stale-while-revalidate=86400');
    expect(h.get('vary')).toBeNull();
    // sharp's cover crop is the same operation: centre crop of the mfit-scaled picture.
    const reference = sharp(fixture('photo/flowers.jpeg')).resize(300, 200, { fit: 'cover' });
    expect(await similarity(response.body, reference)).toBeGreaterThan(0.9);
  });
});

describe('resize test vectors over HTTP (PROTOCOL.md §8)', () => {
  it.each([
    ['s600x400.jpg', 'image/resize,m_lfit,w_500,h_300', 450, 300],
    ['s600x400.jpg', 'image/resize,m_mfit,w_500,h_300', 500, 333],
    ['s600x400.jpg', 'image/resize,m_lfit,w_900,h_800', 600, 400],
    ['s600x400.jpg', 'image/resize,w_1200', 600, 400],
    ['s600x400.jpg', 'image/resize,w_1200,limit_0', 1200, 800],
    ['s600x400.jpg', 'image/resize,p_200', 600, 400],
    ['s200x100.jpg', 'image/resize,m_fixed,h_100', 100, 100],
    ['s400x300.jpg', 'image/resize,m_lfit,h_100', 133, 100],
    ['s600x400.jpg', 'image/resize,m_fill,w_100', 100, 100],
    ['s600x400.jpg', 'image/resize,m_pad,w_500,h_500', 500, 500],
    ['s600x400.jpg', 'image/resize,m_fill,w_300,h_300,align_0', 300, 300],
    ['s600x400.jpg', 'image/resize,wp_50', 300, 400],
    ['s600x400.jpg', 'image/resize,p_26/', 156, 104],
    ['s600x400.jpg', 'image/resize,m_mfit,w_900,h_800,limit_0', 1200, 800],
  ])('%s %s → %i×%i jpeg', async (key, command, width, height) => {
    const response = await process(key, command);
    expect(response.status).toBe(200);
    expect(await dimensions(response.body)).toEqual({ format: 'jpeg', width, height });
    expect(response.headers.get('x-bce-image-info')).toBe(`width=${width};height=${height}`);
  });

  it("lfit matches sharp's Lanczos resize (SSIM ≥ 0.97)", async () => {
    const response = await process('flowers.jpeg', 'image/resize,w_480/format,f_png');
    const reference = sharp(fixture('photo/flowers.jpeg')).resize(480, 270, { kernel: 'lanczos3' });
    expect(await similarity(response.body, reference)).toBeGreaterThan(0.97);
  });

  it("fill align_0 keeps the left part (SSIM against sharp's left crop)", async () => {
    const response = await process(
      's600x400.jpg',
      'image/resize,m_fill,w_300,h_300,align_0/format,f_png',
    );
    const original = (await worker.get('/s600x400.jpg')).body;
    const reference = sharp(await sharp(original).resize(450, 300).toBuffer()).extract({
      left: 0,
      top: 0,
      width: 300,
      height: 300,
    });
    const wrongSide = sharp(await sharp(original).resize(450, 300).toBuffer()).extract({
      left: 150,
      top: 0,
      width: 300,
      height: 300,
    });
    const score = await similarity(response.body, reference);
    expect(score).toBeGreaterThan(0.95);
    expect(score).toBeGreaterThan(await similarity(response.body, wrongSide));
  });

  it('pad places the 450×300 picture at x = 25 on a red 500×300 canvas', async () => {
    const response = await process(
      's600x400.jpg',
      'image/resize,m_pad,w_500,h_300,color_FF0000/format,f_png',
    );
    const image = await rgba(response.body);
    expect([image.width, image.height]).toEqual([500, 300]);
    const at = (x: number, y: number) =>
      Array.from(image.data.subarray((y * 500 + x) * 4, (y * 500 + x) * 4 + 4));
    expect(at(0, 150)).toEqual([255, 0, 0, 255]);
    expect(at(24, 10)).toEqual([255, 0, 0, 255]);
    expect(at(475, 150)).toEqual([255, 0, 0, 255]);
    expect(at(499, 299)).toEqual([255, 0, 0, 255]);
    // Inside, the picture: its green channel runs top to bottom, unlike the red padding.
    expect(at(250, 299)[1]).toBeGreaterThan(200);
    expect(at(250, 0)[0]).toBeLessThan(200);
  });

  it('pad with radius and sigma fills the padding with the blurred picture, not a colour', async () => {
    const response = await process(
      's600x400.jpg',
      'image/resize,m_pad,w_500,h_300,radius_10,sigma_5/format,f_png',
    );
    const image = await rgba(response.body);
    const left = image.data.subarray((150 * 500 + 2) * 4, (150 * 500 + 2) * 4 + 4);
    expect(Array.from(left)).not.toEqual([255, 255, 255, 255]);
    expect(left[3]).toBe(255);
    // The left padding (x < 25) is the cover-scaled picture, Gaussian-blurred.
    const strip = await sharp(response.body)
      .extract({ left: 0, top: 0, width: 25, height: 300 })
      .png()
      .toBuffer();
    const reference = await sharp(await syntheticJpeg(600, 400))
      .resize(500, 300, { fit: 'cover' })
      .blur(5)
      .extract({ left: 0, top: 0, width: 25, height: 300 })
      .png()
      .toBuffer();
    expect(await similarity(strip, reference)).toBeGreaterThanOrEqual(0.95);
  });

  it('the 9,999 px rule holds for the final image', async () => {
    const response = await process(
      's600x400.jpg',
      'image/resize,p_1000,limit_0/resize,p_200,limit_0',
    );
    expect(response.status).toBe(400);
    expect(response.json().code).toBe('ImageTooLarge');
  });
});

describe('reduced decoding (DCT scaling and regions) stays equal to sharp (SSIM ≥ 0.99)', () => {
  // References follow PROTOCOL.md's geometry exactly: sizes rounded half up, fill = mfit-scale
  // then crop at floor(slack × align / 100) (sharp's own cover crop rounds differently).
  // sharp with shrink-on-load off: the reference is a full-quality decode.
  const street = () => sharp(fixture('photo/2569067123_aca715a2ee_o.jpg')); // 2725×2225
  const fill = (
    input: () => sharp.Sharp,
    scaled: [number, number],
    crop: [number, number, number, number],
  ) =>
    input()
      .resize(scaled[0], scaled[1], { fit: 'fill', fastShrinkOnLoad: false })
      .png()
      .toBuffer()
      .then((b) =>
        sharp(b).extract({ left: crop[0], top: crop[1], width: crop[2], height: crop[3] }),
      );
  it.each([
    ['resize,w_400', () => street().resize(400, 327, { fit: 'fill', fastShrinkOnLoad: false })],
    ['resize,w_150', () => street().resize(150, 122, { fit: 'fill', fastShrinkOnLoad: false })],
    ['resize,m_fill,w_300,h_200', () => fill(street, [300, 245], [0, 22, 300, 200])],
    ['resize,m_fill,w_200,h_200,align_0', () => fill(street, [245, 200], [0, 0, 200, 200])],
    ['resize,m_fill,w_120,h_400,align_100', () => fill(street, [490, 400], [370, 0, 120, 400])],
    [
      'resize,m_pad,w_400,h_400',
      () =>
        street().resize(400, 400, { fit: 'contain', background: '#fff', fastShrinkOnLoad: false }),
    ],
    ['resize,l_600', () => street().resize(600, 490, { fit: 'fill', fastShrinkOnLoad: false })],
    // A crop passes the resize's scale to the decoder: the region is decoded at 2/8 or 3/8, its
    // edges falling inside decoded pixels.
    [
      'crop,x_333,y_201,w_1501,h_1203/resize,w_300',
      () =>
        street()
          .extract({ left: 333, top: 201, width: 1501, height: 1203 })
          .resize(300, 240, { fit: 'fill' }),
    ],
    [
      'crop,x_1001,y_997,w_1700,h_1200/rotate,90/resize,w_240',
      async () =>
        sharp(
          await street()
            .extract({ left: 1001, top: 997, width: 1700, height: 1200 })
            .png()
            .toBuffer(),
        )
          .rotate(90)
          .resize(240, 340, { fit: 'fill' }),
    ],
    [
      'indexcrop,x_700,i_2/resize,w_150',
      () =>
        street()
          .extract({ left: 1400, top: 0, width: 700, height: 2225 })
          .resize(150, 477, { fit: 'fill' }),
    ],
  ])('%s', async (command, reference) => {
    const response = await process('street.jpg', `image/${command}/format,f_png`);
    expect(response.status).toBe(200);
    const expected = await reference();
    // A full decode measures 0.992–0.997 here; a stretched partial pixel measured 0.972.
    expect(await similarity(response.body, expected)).toBeGreaterThanOrEqual(0.99);
  });

  it('with EXIF orientation 6 and a reduced decode', async () => {
    // Stored turned a quarter left, tagged 6: displayed upright it is the street photo again.
    const stored = await street()
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    await worker.put('street-6.jpg', stored);
    const response = await process(
      'street-6.jpg',
      'image/resize,m_fill,w_200,h_100,align_100/format,f_png',
    );
    const upright = () => sharp(stored).rotate();
    // Upright 2725×2225 → mfit 200×163 → rows 63..163.
    expect(
      await similarity(response.body, await fill(upright, [200, 163], [0, 63, 200, 100])),
    ).toBeGreaterThanOrEqual(0.98);
  });
});

describe('concurrent requests in one isolate', () => {
  it('give the same bytes as the same requests one at a time', async () => {
    const paths = [
      ['street.jpg', 'image/resize,w_400/format,f_png'],
      ['flowers.jpeg', 'image/resize,w_300/format,f_png'],
      ['street.jpg', 'image/resize,m_fill,w_200,h_200/format,f_png'],
      ['Landscape_6.jpg', 'image/resize,w_120/format,f_png'],
      ['s600x400.jpg', 'image/resize,p_50/format,f_avif'],
      ['with-alpha.png', 'image/resize,w_100'],
    ];
    // Distinct keys per round so the Cache API cannot answer the second round.
    for (const [key] of paths) {
      const original = (await worker.get(`/${key}`)).body;
      await worker.put(`round1-${key}`, original);
      await worker.put(`round2-${key}`, original);
    }
    const sequential: Buffer[] = [];
    for (const [key, command] of paths)
      sequential.push((await process(`round1-${key}`, command!)).body);
    const concurrent = await Promise.all(
      paths.map(([key, command]) => process(`round2-${key}`, command!)),
    );
    concurrent.forEach((response, i) => {
      expect(response.status).toBe(200);
      expect(response.body.equals(sequential[i]!)).toBe(true);
    });
  });
});

describe('format, quality, interlace', () => {
  it.each([
    ['image/format,f_png', 'png'],
    ['image/format,f_webp', 'webp'],
    ['image/format,f_jpeg', 'jpeg'],
    ['image/resize,w_200/format,f_avif', 'heif'],
  ])('%s → %s', async (command, format) => {
    const response = await process('s400x300.jpg', command);
    expect(response.status).toBe(200);
    expect((await dimensions(response.body)).format).toBe(format);
    const original = (await worker.get('/s400x300.jpg')).body;
    const reference = command.includes('w_200') ? sharp(original).resize(200) : sharp(original);
    expect(await similarity(response.body, reference)).toBeGreaterThan(0.9);
  });

  it('an AVIF output (our libaom encoder) decodes, in our decoder and in sharp, to the picture', async () => {
    const response = await process('street.jpg', 'image/resize,w_640/format,f_avif');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/avif');
    const original = (await worker.get('/street.jpg')).body;
    const reference = await rgba(sharp(original).resize(640));
    expect(await dimensions(response.body)).toEqual({
      format: 'heif',
      width: 640,
      height: reference.height,
    });
    // Our own decoder (dav1d) reads it too, to the same size and nearly sharp's pixels.
    const body = new Uint8Array(response.body);
    const decoded = await decodeImage(body, probeImage(body), { scale: 1 });
    expect(decoded).toMatchObject({ width: 640, height: reference.height });
    const ours = { width: 640, height: reference.height, data: decoded.frames[0]!.data };
    const raw = { raw: { width: 640, height: reference.height, channels: 4 as const } };
    const oursPng = await sharp(Buffer.from(ours.data), raw).png().toBuffer();
    const referencePng = await sharp(Buffer.from(reference.data), raw).png().toBuffer();
    expect(await similarity(response.body, referencePng)).toBeGreaterThan(0.95);
    expect(await similarity(oursPng, referencePng)).toBeGreaterThan(0.95);
    // Opaque source: no alpha item, every pixel opaque.
    expect((await sharp(response.body).metadata()).hasAlpha).toBe(false);
  });

  it('an AVIF output keeps transparency (an alpha auxiliary image)', async () => {
    const response = await process('alpha.png', 'image/format,f_avif');
    expect(response.status).toBe(200);
    expect((await sharp(response.body).metadata()).hasAlpha).toBe(true);
    const source = await rgba(sharp((await worker.get('/alpha.png')).body));
    const output = await rgba(response.body);
    expect([output.width, output.height]).toEqual([600, 400]);
    let worst = 0;
    for (let i = 3; i < source.data.length; i += 4) {
      worst = Math.max(worst, Math.abs(source.data[i]! - output.data[i]!));
    }
    // The synthetic picture's alpha is a hard 0/255 edge: coded at the colour's quality it stays
    // within a few levels.
    expect(worst).toBeLessThanOrEqual(8);
  });

  it('output stays in the source format: png, webp, avif', async () => {
    expect(
      (await dimensions((await process('with-alpha.png', 'image/resize,w_100')).body)).format,
    ).toBe('png');
    expect((await dimensions((await process('4.webp', 'image/resize,w_100')).body)).format).toBe(
      'webp',
    );
    const avif = await process('cosmos.avif', 'image/resize,w_100');
    expect(avif.headers.get('content-type')).toBe('image/avif');
    expect(await dimensions(avif.body)).toMatchObject({ width: 100, height: 42 });
  });

  it("libheif's example.avif (no pixi property, which strict libavif refuses) is read", async () => {
    await worker.put('example.avif', fixture('formats/example.avif'));
    const info = await worker.get('/example.avif?x-bce-process=image/info');
    expect(info.status).toBe(200);
    const small = await process('example.avif', 'image/resize,w_100/format,f_png');
    expect(small.status).toBe(200);
    expect(await dimensions(small.body)).toMatchObject({ format: 'png', width: 100, height: 67 });
    const reference = sharp(fixture('formats/example.avif')).resize(100, 67);
    expect(await similarity(small.body, reference)).toBeGreaterThan(0.9);
  });

  it('f_auto picks webp when Accept lists it, else the source format; both Vary: Accept (#29)', async () => {
    const webp = await process('s400x300.jpg', 'image/format,f_auto', { accept: 'image/webp,*/*' });
    const jpeg = await process('s400x300.jpg', 'image/format,f_auto', { accept: 'image/jpeg' });
    expect(webp.headers.get('content-type')).toBe('image/webp');
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(webp.headers.get('vary')).toBe('Accept');
    expect(jpeg.headers.get('vary')).toBe('Accept');
    expect(webp.headers.get('etag')).not.toBe(jpeg.headers.get('etag'));
  });

  it('png with alpha → jpg is flattened onto white (#30)', async () => {
    const response = await process('alpha.png', 'image/format,f_jpg');
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const image = await rgba(response.body);
    const pixel = Array.from(image.data.subarray((200 * 600 + 20) * 4, (200 * 600 + 20) * 4 + 3));
    pixel.forEach((channel) => expect(channel).toBeGreaterThan(245));
  });

  it('transparency survives png → webp and png → png', async () => {
    for (const format of ['webp', 'png']) {
      const response = await process('alpha.png', `image/resize,w_300/format,f_${format}`);
      const image = await rgba(response.body);
      expect(image.data[(100 * 300 + 10) * 4 + 3]).toBe(0);
      expect(image.data[(100 * 300 + 200) * 4 + 3]).toBe(255);
    }
  });

  it('a 12 MP JPEG becomes a full-size PNG (issue 16): 4000×3000 RGB, the decoded pixels exactly', async () => {
    const jpeg = await syntheticJpeg(4000, 3000, 90);
    await worker.put('s4000x3000.jpg', jpeg);
    const response = await process('s4000x3000.jpg', 'image/format,f_png');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-bce-image-info')).toBe('width=4000;height=3000');
    const meta = await sharp(response.body).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 4000, 3000, 3]);
    // Lossless: what our JPEG decoder produced, read back by sharp.
    const decoded = await decodeImage(jpeg, probeImage(jpeg), { scale: 1 });
    const back = await sharp(response.body).ensureAlpha().raw().toBuffer();
    expect(back.equals(Buffer.from(decoded.frames[0]!.data))).toBe(true);
  });

  it('a 12 MP JPEG becomes a full-size WebP (issue 16): 4000×3000, close to sharp at 1000 px', async () => {
    const jpeg = await syntheticJpeg(4000, 3000, 90);
    await worker.put('webp4000x3000.jpg', jpeg);
    const response = await process('webp4000x3000.jpg', 'image/format,f_webp');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-bce-image-info')).toBe('width=4000;height=3000');
    expect(await dimensions(response.body)).toEqual({ format: 'webp', width: 4000, height: 3000 });
    const small = (image: Buffer) => sharp(image).resize(1000).png().toBuffer();
    expect(await similarity(await small(response.body), sharp(await small(jpeg)))).toBeGreaterThan(
      0.98,
    );
  });

  it('a 12 MP JPEG re-encoded at full size (quality only): baseline in one pass, 4000×3000', async () => {
    const jpeg = await syntheticJpeg(4000, 3000, 90);
    await worker.put('jpeg4000x3000.jpg', jpeg);
    const response = await process('jpeg4000x3000.jpg', 'image/quality,Q_80');
    expect(response.status).toBe(200);
    expect(await dimensions(response.body)).toEqual({ format: 'jpeg', width: 4000, height: 3000 });
    // Standard Huffman tables above 8 MP: still a valid baseline JPEG, close to its source.
    const meta = await sharp(response.body).metadata();
    expect(meta.isProgressive).toBe(false);
    const small = (image: Buffer) => sharp(image).resize(1000).png().toBuffer();
    expect(await similarity(await small(response.body), sharp(await small(jpeg)))).toBeGreaterThan(
      0.98,
    );
    // Progressive needs every coefficient at once. Streamed from the decoder (no frame) that
    // fits; with a pixel action the frame is held too, and at 12 MP that is refused.
    const progressive = await process('jpeg4000x3000.jpg', 'image/quality,Q_80/interlace,i_1');
    expect(progressive.status).toBe(200);
    expect((await sharp(progressive.body).metadata()).isProgressive).toBe(true);
    const withAction = await process(
      'jpeg4000x3000.jpg',
      'image/bright,b_10/quality,Q_80/interlace,i_1',
    );
    expect([withAction.status, withAction.json().code]).toEqual([400, 'ImageTooLarge']);
  });

  describe('a still re-encoded whole streams its rows from decoder to encoder', () => {
    // bright,b_0 changes no pixel but is a pixel action: it takes the path through a frame.
    it.each([
      ['f_png', 'png'],
      ['f_webp', 'webp'],
      ['f_jpg', 'jpeg'],
    ])('%s: the same bytes as through a decoded frame', async (format, name) => {
      const streamed = await process('street.jpg', `image/format,${format}`);
      const framed = await process('street.jpg', `image/bright,b_0/format,${format}`);
      expect(streamed.status).toBe(200);
      expect(streamed.headers.get('server-timing')).toContain('rows streamed');
      expect(framed.headers.get('server-timing')).not.toContain('rows streamed');
      expect(await dimensions(streamed.body)).toEqual({ format: name, width: 2725, height: 2225 });
      expect(Buffer.compare(streamed.body, framed.body)).toBe(0);
    });

    it('a CMYK JPEG with its ICC profile: converted to sRGB strip by strip, as a frame is', async () => {
      await worker.put('cmyk.jpg', fixture('photo/Channel_digital_image_CMYK_color.jpg'));
      const streamed = await process('cmyk.jpg', 'image/format,f_png');
      const framed = await process('cmyk.jpg', 'image/bright,b_0/format,f_png');
      expect(streamed.headers.get('server-timing')).toContain('rows streamed');
      expect(streamed.status).toBe(200);
      expect(Buffer.compare(streamed.body, framed.body)).toBe(0);
    });

    it('damage found while streaming answers 400, never a partial image', async () => {
      const whole = fixture('photo/flowers.jpeg');
      // Cut in the middle of the entropy-coded data: the header is intact.
      await worker.put('cut.jpg', whole.subarray(0, Math.floor(whole.length * 0.6)));
      for (const format of ['f_png', 'f_webp', 'f_jpg']) {
        const response = await process('cut.jpg', `image/format,${format}`);
        expect([response.status, response.json().code]).toEqual([400, 'UnsupportedImageFormat']);
      }
      // The decoder's instance is whole again afterwards.
      const next = await process('flowers.jpeg', 'image/format,f_webp');
      expect(next.status).toBe(200);
    });
  });

  it('f_heic is refused; f_gif on a JPEG is a real single-frame GIF; HEIC sources become JPEG (#31)', async () => {
    const heic = await process('s400x300.jpg', 'image/format,f_heic');
    expect([heic.status, heic.json().code, heic.json().message]).toEqual([
      400,
      'InvalidArgument',
      'heic output is not supported',
    ]);
    const gif = await process('s400x300.jpg', 'image/format,f_gif');
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect((await sharp(gif.body).metadata()).pages).toBe(1);
    const original = (await worker.get('/s400x300.jpg')).body;
    expect(await similarity(gif.body, sharp(original))).toBeGreaterThan(0.7);
    const fromHeic = await process('example.heic', 'image/resize,w_100');
    expect(fromHeic.headers.get('content-type')).toBe('image/jpeg');
    expect(await dimensions(fromHeic.body)).toEqual({ format: 'jpeg', width: 100, height: 67 });
  });

  it('animated GIF stays animated through resize, with its delays; PNG takes frame one', async () => {
    const gif = await process('animated.gif', 'image/resize,w_185');
    const meta = await sharp(gif.body, { pages: -1 }).metadata();
    expect([meta.format, meta.pages, meta.width, meta.pageHeight]).toEqual(['gif', 10, 185, 143]);
    const source = await sharp(fixture('formats/animated-loop-3.gif'), { pages: -1 }).metadata();
    expect(meta.delay).toEqual(source.delay);
    for (const page of [0, 5]) {
      const reference = sharp(fixture('formats/animated-loop-3.gif'), { page }).resize(185, 143);
      expect(
        await similarity(await sharp(gif.body, { page }).png().toBuffer(), reference),
      ).toBeGreaterThan(0.85);
    }
    const png = await process('animated.gif', 'image/resize,w_185/format,f_png');
    expect((await sharp(png.body).metadata()).pages ?? 1).toBe(1);
    // f_auto keeps the animation either way: animated WebP where accepted, else the GIF.
    const auto = await process('animated.gif', 'image/format,f_auto', { accept: 'image/webp' });
    expect(auto.headers.get('content-type')).toBe('image/webp');
    expect(auto.headers.get('vary')).toBe('Accept');
    expect((await sharp(auto.body, { pages: -1 }).metadata()).pages).toBe(10);
    const plain = await process('animated.gif', 'image/format,f_auto', { accept: 'image/png' });
    expect(plain.headers.get('content-type')).toBe('image/gif');
    expect((await sharp(plain.body, { pages: -1 }).metadata()).pages).toBe(10);
  });

  it('BMP in and out', async () => {
    const bmp = await process('rgb24.bmp', 'image/resize,w_254,limit_0');
    expect(bmp.headers.get('content-type')).toBe('image/bmp');
    expect(probeImage(bmp.body)).toMatchObject({ format: 'bmp', width: 254, height: 128 });
    const png = await process('rgb24.bmp', 'image/format,f_png');
    expect(await dimensions(png.body)).toEqual({ format: 'png', width: 127, height: 64 });
    const toBmp = await process('s400x300.jpg', 'image/resize,w_100/format,f_bmp');
    expect(probeImage(toBmp.body)).toMatchObject({ format: 'bmp', width: 100, height: 75 });
  });

  const qualityOf = (body: Buffer) => probeImage(body).jpegQuality;
  it.each([
    ['q80.jpg', 'image/quality,q_90', 72],
    ['q70.jpg', 'image/quality,Q_80', 70],
    ['q80.jpg', 'image/quality,Q_50', 50],
    ['q95.jpg', 'image/resize,w_100', 85],
    ['q75.jpg', 'image/resize,w_100', 75],
  ])('%s %s → q %i (#32, #33)', async (key, command, quality) => {
    const response = await process(key, command);
    expect(qualityOf(response.body)).toBe(quality);
  });

  it('png source: q is relative to 100 (#33)', async () => {
    const response = await process('with-alpha.png', 'image/quality,q_80/format,f_jpg');
    expect(qualityOf(response.body)).toBe(80);
  });

  it('quality changes webp output size', async () => {
    const low = await process('flowers.jpeg', 'image/resize,w_600/format,f_webp/quality,Q_20');
    const high = await process('flowers.jpeg', 'image/resize,w_600/format,f_webp/quality,Q_90');
    expect(low.body.length).toBeLessThan(high.body.length * 0.7);
  });

  it('interlace,i_progressive gives a progressive JPEG; the default is baseline', async () => {
    const progressive = await process('flowers.jpeg', 'image/resize,w_300/interlace,i_progressive');
    const baseline = await process('flowers.jpeg', 'image/resize,w_300');
    expect((await sharp(progressive.body).metadata()).isProgressive).toBe(true);
    expect((await sharp(baseline.body).metadata()).isProgressive).toBe(false);
    const adam7 = await process('with-alpha.png', 'image/interlace,i_1');
    expect((await sharp(adam7.body).metadata()).isProgressive).toBe(true);
    expect(await similarity(adam7.body, sharp(fixture('formats/with-alpha.png')))).toBeCloseTo(
      1,
      9,
    );
  });

  it('EXIF orientation is applied by default, auto-orient,o_0 keeps stored pixels (#23, #24)', async () => {
    expect(
      await dimensions((await process('Landscape_6.jpg', 'image/resize,w_300')).body),
    ).toMatchObject({ width: 300, height: 225 });
    expect(
      await dimensions(
        (await process('Landscape_6.jpg', 'image/auto-orient,o_0/resize,w_300')).body,
      ),
    ).toMatchObject({ width: 300, height: 400 });
    expect(
      await dimensions(
        (await process('Landscape_6.jpg', 'image/resize,w_100/auto-orient,o_1')).body,
      ),
    ).toMatchObject({ width: 100, height: 75 });
    const upright = await process('Landscape_6.jpg', 'image/format,f_png');
    const reference = sharp(fixture('orientation/Landscape_1.jpg'));
    expect(await similarity(upright.body, reference)).toBeGreaterThan(0.9);
  });

  it('outputs carry no EXIF', async () => {
    const response = await process('flowers.jpeg', 'image/resize,w_100');
    expect((await sharp(response.body).metadata()).exif).toBeUndefined();
  });
});
