import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/formats/registry';
import { probeImage } from '../../src/formats/registry';
import type { RasterImage, Rect, Size } from '../../src/image';
import { applyOrientation, storedToUpright, uprightToStored } from '../../src/kernels/orient';
import { pictureWindow, resample } from '../../src/kernels/resample';
import { cutRect } from '../../src/actions/cut';
import { fixture, similarity } from '../helpers/images';

/** Blank pixels of `size` standing for `rect` of a `full` picture: a decoder's reduced view. */
const viewOf = (size: Size, full: Size, rect: Rect): RasterImage => ({
  ...size,
  hasAlpha: false,
  frames: [{ data: new Uint8Array(size.width * size.height * 4), delayMs: 0 }],
  view: { full, rect },
});

const raw = (image: RasterImage) =>
  sharp(Buffer.from(image.frames[0]!.data), {
    raw: { width: image.width, height: image.height, channels: 4 },
  });

describe('rectangles through EXIF orientations', () => {
  // A 7×5 image whose pixel values are their stored coordinates.
  const stored: RasterImage = {
    width: 7,
    height: 5,
    hasAlpha: false,
    frames: [
      {
        data: Uint8Array.from({ length: 7 * 5 * 4 }, (_, i) => {
          const p = i >> 2;
          return i % 4 === 0 ? p % 7 : i % 4 === 1 ? Math.floor(p / 7) : 0;
        }),
        delayMs: 0,
      },
    ],
  };
  const rect: Rect = { x: 1, y: 2, width: 3, height: 2 };

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'orientation %i: upright region maps onto the same stored pixels',
    (o) => {
      const upright = applyOrientation(stored, o);
      const inStored = uprightToStored(rect, stored, o);
      const seen = new Set<string>();
      for (let y = rect.y; y < rect.y + rect.height; y++) {
        for (let x = rect.x; x < rect.x + rect.width; x++) {
          const i = (y * upright.width + x) * 4;
          seen.add(`${upright.frames[0]!.data[i]},${upright.frames[0]!.data[i + 1]}`);
        }
      }
      const expected = new Set<string>();
      for (let y = inStored.y; y < inStored.y + inStored.height; y++) {
        for (let x = inStored.x; x < inStored.x + inStored.width; x++) expected.add(`${x},${y}`);
      }
      expect(seen).toEqual(expected);
      expect(storedToUpright(inStored, stored, o)).toEqual(rect);
    },
  );
});

describe('reduced decoding stays visually equal to full decoding', () => {
  const photo = fixture('photo/2569067123_aca715a2ee_o.jpg'); // 2725×2225
  const probe = probeImage(photo);

  // The 1/8 IDCT keeps only each block's average (a box filter), so it is the furthest from
  // Lanczos; the final outputs, resized further, are held to 0.98 in the integration tests.
  it.each([
    [0.5, 0.95],
    [0.25, 0.95],
    [0.125, 0.85],
  ])(
    'JPEG DCT scaling at %f matches a full decode scaled by sharp (SSIM > %f)',
    async (scale, threshold) => {
      const image = await decodeImage(photo, probe, { scale });
      expect(image.width).toBe(Math.ceil(2725 * scale));
      expect(image.view?.full).toEqual({ width: 2725, height: 2225 });
      const reference = sharp(photo).resize(image.width, image.height, { fit: 'fill' });
      expect(await similarity(await raw(image).png().toBuffer(), reference)).toBeGreaterThan(
        threshold,
      );
    },
  );

  // Every eighth: the decoded width is ceil(2725 × M/8), so the last column stands for part of a
  // pixel. Resampled from the exact window the picture covers, a 400 px result equals a full
  // decode resized by sharp; stretching the partial pixel over the picture measured 0.972–0.986.
  it.each([2, 3, 4, 5, 6, 7])(
    'JPEG decoded at %i/8 and resized to 400 px equals a full decode (SSIM ≥ 0.99)',
    async (eighths) => {
      const image = await decodeImage(photo, probe, { scale: eighths / 8 });
      expect(image.width).toBe(Math.ceil((2725 * eighths) / 8));
      expect(image.view?.rect.width).toBeCloseTo(image.width / (eighths / 8), 9);
      const window = pictureWindow(image);
      expect(window.width).toBeCloseTo((2725 * eighths) / 8, 9);
      const resized = resample(image, { width: 400, height: 327 });
      expect(resized.view).toBeUndefined();
      const reference = sharp(photo).resize(400, 327, { fit: 'fill', fastShrinkOnLoad: false });
      expect(await similarity(await raw(resized).png().toBuffer(), reference)).toBeGreaterThan(
        0.99,
      );
    },
  );

  it('the picture window of a scaled decode after an EXIF flip starts inside the first pixel', () => {
    // 2725 px at 1/2 is 1362.5 px decoded as 1363; mirrored, the half pixel is on the left.
    const pixels = { width: 1363, height: 10 };
    const full = { width: 2725, height: 20 };
    const image = viewOf(pixels, full, { x: -1, y: 0, width: 2726, height: 20 });
    expect(pictureWindow(image)).toEqual({ x: 0.5, y: 0, width: 1362.5, height: 10 });
    const upright = viewOf(pixels, full, { x: 0, y: 0, width: 2726, height: 20 });
    expect(pictureWindow(upright)).toEqual({ x: 0, y: 0, width: 1362.5, height: 10 });
  });

  // Our libjpeg-turbo carries two patches (wasm/jpeg/huffman.patch, wasm/jpeg/simd.patch); a full
  // decode must still be byte for byte what libvips decodes (sharp: mozjpeg, the same IDCT and
  // upsampling). The first two are 4:2:0, one of odd width (the SIMD loops' scalar tails).
  it.each(['photo/2569067123_aca715a2ee_o.jpg', 'photo/flowers.jpeg', 'formats/progressive.jpg'])(
    '%s decodes byte for byte like libvips',
    async (name) => {
      const bytes = fixture(name);
      const image = await decodeImage(bytes, probeImage(bytes), { scale: 1 });
      const reference = await sharp(bytes, { autoOrient: false }).ensureAlpha().raw().toBuffer();
      expect(Buffer.from(image.frames[0]!.data).equals(reference)).toBe(true);
    },
  );

  it('a crop of a reduced view is a view of the crop, by the pixels that cover it', () => {
    // 100×80 pixels standing for a 400×320 picture (a 2/8 decode).
    const pixels = { width: 100, height: 80 };
    const full = { width: 400, height: 320 };
    const image = viewOf(pixels, full, { x: 0, y: 0, width: 400, height: 320 });
    const cut = cutRect(image, { x: 33, y: 21, width: 150, height: 101 });
    // Columns 8..45 (picture x 32..184) and rows 5..30 (picture y 20..124) cover the crop.
    expect([cut.width, cut.height]).toEqual([38, 26]);
    expect(cut.view).toEqual({
      full: { width: 150, height: 101 },
      rect: { x: -1, y: -1, width: 152, height: 104 },
    });
    expect(pictureWindow(cut)).toEqual({ x: 0.25, y: 0.25, width: 37.5, height: 25.25 });
    // At full scale, a decoded region that is exactly the crop becomes plain pixels.
    const region = viewOf(pixels, full, { x: 50, y: 60, width: 100, height: 80 });
    expect(cutRect(region, { x: 50, y: 60, width: 100, height: 80 }).view).toBeUndefined();
  });

  it('JPEG region decoding returns exactly the requested pixels of a full decode', async () => {
    const region = { x: 301, y: 157, width: 640, height: 480 };
    const part = await decodeImage(photo, probe, { scale: 1, region });
    expect([part.width, part.height]).toEqual([640, 480]);
    expect(part.view?.rect).toEqual(region);
    const whole = await decodeImage(photo, probe, { scale: 1 });
    const cropped = await raw(whole)
      .extract({ left: 301, top: 157, width: 640, height: 480 })
      .raw()
      .toBuffer();
    // Identical but for the iMCU column where libjpeg's fancy upsampling sees a different edge.
    let differing = 0;
    for (let i = 0; i < cropped.length; i++)
      if (Math.abs(cropped[i]! - part.frames[0]!.data[i]!) > 2) differing++;
    expect(differing / cropped.length).toBeLessThan(0.01);
  });

  it('CMYK JPEGs decode (Adobe inverted CMYK) like libvips renders them', async () => {
    const cmyk = fixture('photo/Channel_digital_image_CMYK_color.jpg');
    const image = await decodeImage(cmyk, probeImage(cmyk), { scale: 1 });
    expect(await similarity(await raw(image).png().toBuffer(), sharp(cmyk))).toBeGreaterThan(0.9);
  });

  it('WebP scaled and cropped decoding', async () => {
    const webp = fixture('formats/4.webp'); // 1024×772
    const scaled = await decodeImage(webp, probeImage(webp), { scale: 0.3 });
    expect([scaled.width, scaled.height]).toEqual([512, 386]);
    const reference = sharp(webp).resize(512, 386, { fit: 'fill' });
    expect(await similarity(await raw(scaled).png().toBuffer(), reference)).toBeGreaterThan(0.95);
    const part = await decodeImage(webp, probeImage(webp), {
      scale: 1,
      region: { x: 100, y: 50, width: 300, height: 200 },
    });
    const partReference = sharp(webp).extract({ left: 100, top: 50, width: 300, height: 200 });
    expect(await similarity(await raw(part).png().toBuffer(), partReference)).toBeGreaterThan(0.99);
  });

  it('animated WebP: every frame, composited', async () => {
    const webp = fixture('formats/animated-loop-3.webp');
    const image = await decodeImage(webp, probeImage(webp), { scale: 1 });
    expect(image.frames.length).toBe(10);
    for (const page of [0, 7]) {
      const frame = sharp(Buffer.from(image.frames[page]!.data), {
        raw: { width: 370, height: 285, channels: 4 },
      });
      expect(await similarity(await frame.png().toBuffer(), sharp(webp, { page }))).toBeGreaterThan(
        0.99,
      );
    }
  });

  it('refuses corrupt data with a 4xx code, not a partial image', async () => {
    const photoCopy = new Uint8Array(photo);
    // Garbage in the middle of the entropy-coded data.
    for (let i = 200_000; i < 260_000; i++) photoCopy[i] = (i * 7919) & 0xff;
    await expect(decodeImage(photoCopy, probe, { scale: 1 })).rejects.toMatchObject({
      code: 'UnsupportedImageFormat',
    });
  });
});

describe('choice of reduction', () => {
  it('JPEG in eighths with a margin of 1.25, WebP in powers of two with 2', async () => {
    const { decodeScale } = await import('../../src/formats/registry');
    const jpeg = { format: 'jpg' as const, frames: 1 };
    // 12 MP → 400 px needs 0.1: 0.125 → 1/8. 2725 px → 400 px needs 0.147: 0.18 → 2/8.
    expect(decodeScale(jpeg, 0.1, 'faithful')).toBe(1 / 8);
    expect(decodeScale(jpeg, 400 / 2725, 'faithful')).toBe(2 / 8);
    expect(decodeScale(jpeg, 0.3, 'faithful')).toBe(3 / 8);
    expect(decodeScale(jpeg, 0.6, 'faithful')).toBe(6 / 8);
    expect(decodeScale(jpeg, 0.81, 'faithful')).toBe(1);
    expect(decodeScale(jpeg, 0.15, 1)).toBe(2 / 8);
    // A fallback never asks for more than the faithful margin.
    expect(decodeScale(jpeg, 0.1, 2)).toBe(1 / 8);
    const webp = { format: 'webp' as const, frames: 1 };
    expect(decodeScale(webp, 0.1, 'faithful')).toBe(1 / 4);
    expect(decodeScale(webp, 0.3, 'faithful')).toBe(1);
    expect(decodeScale(webp, 0.1, 1)).toBe(1 / 8);
    expect(decodeScale({ format: 'webp', frames: 4 }, 0.1, 1)).toBe(1);
    expect(decodeScale({ format: 'png', frames: 1 }, 0.1, 1)).toBe(1);
  });

  it('the largest power-of-two reduction that still gives the scale asked for', async () => {
    const { reductionFor } = await import('../../src/formats/reduce');
    expect([1, 0.6, 0.5, 0.3, 0.25, 0.2, 0.125, 0.01].map(reductionFor)).toEqual([
      1, 1, 2, 2, 4, 4, 8, 8,
    ]);
  });
});

describe('JPEG pixels lent from the decoder', () => {
  it('a second decode waits until the first request gives its pixels back', async () => {
    const { LeaseScope } = await import('../../src/wasm/loader');
    const photo = fixture('photo/flowers.jpeg');
    const probe = probeImage(photo);
    // Each request decodes with its own scope of leases, released when it ends.
    const requestA = new LeaseScope();
    const requestB = new LeaseScope();
    const a = await decodeImage(photo, probe, { scale: 1 }, { frames: 1, scope: requestA });
    const before = Buffer.from(a.frames[0]!.data);
    let bDone = false;
    const b = decodeImage(photo, probe, { scale: 0.5 }, { frames: 1, scope: requestB }).then(
      (image) => {
        bDone = true;
        return image;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bDone).toBe(false);
    // A's pixels are intact while it holds them.
    expect(Buffer.from(a.frames[0]!.data).equals(before)).toBe(true);
    await requestA.releaseAll();
    expect((await b).width).toBe(960);
    await requestB.releaseAll();
  });
});
