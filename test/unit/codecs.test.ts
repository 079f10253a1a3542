import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withPixiProperties } from '../../src/formats/avif/pixi';
import { decodeImage, encodeImage } from '../../src/formats/registry';
import { probeImage } from '../../src/formats/registry';
import type { RasterImage } from '../../src/image';
import { fixture, similarity } from '../helpers/images';

const decode = (path: string) => {
  const bytes = fixture(path);
  return decodeImage(bytes, probeImage(bytes), { scale: 1 });
};
const asSharp = (image: RasterImage, frame = 0) =>
  sharp(Buffer.from(image.frames[frame]!.data), {
    raw: { width: image.width, height: image.height, channels: 4 },
  });

describe('decoders agree with an independent decoder (sharp/libvips)', () => {
  it.each([
    ['formats/progressive.jpg', 0.98],
    ['photo/flowers.jpeg', 0.98],
    ['formats/with-alpha.png', 0.999],
    ['formats/16-bit-grey-alpha.png', 0.99],
    ['formats/Flag_of_the_Netherlands-16bit.png', 0.99],
    ['formats/gradients-rgb8.png', 0.999],
    ['formats/4.webp', 0.99],
    ['formats/5_webp_a.webp', 0.99],
    ['formats/sdr_cosmos12920_cicp1-13-6_yuv444_full_qp10.avif', 0.97],
    ['formats/example.avif', 0.99],
    ['formats/Crash_test.gif', 0.999],
  ])('%s (SSIM ≥ %f)', async (path, threshold) => {
    const ours = await decode(path);
    expect(
      await similarity(await asSharp(ours).png().toBuffer(), sharp(fixture(path))),
    ).toBeGreaterThanOrEqual(threshold);
  });

  it('GIF animation: every frame composited, as libvips renders it', async () => {
    const ours = await decode('formats/animated-loop-3.gif');
    expect(ours.frames.length).toBe(10);
    for (const index of [0, 4, 9]) {
      const reference = sharp(fixture('formats/animated-loop-3.gif'), { page: index });
      expect(
        await similarity(await asSharp(ours, index).png().toBuffer(), reference),
      ).toBeGreaterThan(0.99);
    }
  });

  it('HEIC: the primary image, upright and in the right colours', async () => {
    // sharp's prebuilt libvips has no HEVC, so this checks what the picture shows: blue sky at
    // the top, the yellow house on the right, the dark river at the bottom left.
    const heic = await decode('formats/example.heic');
    expect([heic.width, heic.height]).toEqual([1280, 854]);
    const at = (x: number, y: number) =>
      Array.from(heic.frames[0]!.data.subarray((y * 1280 + x) * 4, (y * 1280 + x) * 4 + 4));
    const [skyR, , skyB] = at(640, 40) as [number, number, number];
    expect(skyB - skyR).toBeGreaterThan(30);
    const [houseR, houseG, houseB] = at(1180, 330) as [number, number, number];
    expect(Math.min(houseR, houseG) - houseB).toBeGreaterThan(30);
    expect(
      at(60, 780)
        .slice(0, 3)
        .every((v) => v < 90),
    ).toBe(true);
  });

  it('GIF transparency is kept', async () => {
    const image = await decode('formats/grey-plus-alpha.gif');
    expect(image.hasAlpha).toBe(true);
    expect([image.frames[0]!.data[3], image.frames[0]!.data[7]].sort()).toEqual([0, 255]);
  });

  it('keeps only the first 20 frames of a longer animation', async () => {
    expect((await decode('formats/rotating-squares.gif')).frames.length).toBe(20);
  });

  it('BMP: the same picture through RLE24, 24-bit and 32-bit files decodes alike', async () => {
    const plain = await decode('formats/rgb24.bmp');
    const rle = await decode('formats/rgb24rle24.bmp');
    // The RLE file is a dithered copy (mean difference ~13 levels, no offset): a decoder that
    // misplaced runs by one pixel doubles that, one that misread them produces noise.
    const meanDifference = (shift: number) => {
      let sum = 0;
      for (let y = 0; y < 64; y++)
        for (let x = 1; x < 126; x++)
          for (let c = 0; c < 3; c++)
            sum += Math.abs(
              plain.frames[0]!.data[(y * 127 + x) * 4 + c]! -
                rle.frames[0]!.data[(y * 127 + x + shift) * 4 + c]!,
            );
      return sum / (64 * 125 * 3);
    };
    expect(meanDifference(0)).toBeLessThan(16);
    expect(meanDifference(1)).toBeGreaterThan(2 * meanDifference(0));
    const alpha = await decode('formats/rgba32.bmp');
    expect([alpha.width, alpha.height, alpha.hasAlpha]).toEqual([127, 64, true]);
    // Same colours as the 24-bit file once the (varying) alpha is set aside.
    const colours = await asSharp(alpha).removeAlpha().png().toBuffer();
    expect(await similarity(colours, asSharp(plain).removeAlpha())).toBeGreaterThan(0.9);
  });

  it('BMP: an OS/2 1.x palette file and a top-down v3 file land right side up', async () => {
    const palette = await decode('formats/Core_8_Bit.bmp');
    const at = (image: RasterImage, x: number, y: number) =>
      Array.from(
        image.frames[0]!.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4),
      );
    // Orange band on the left, green box in the middle, the "Core" label at the bottom left.
    expect(at(palette, 20, 20)[0]).toBeGreaterThan(150);
    expect(at(palette, 80, 200)[1]).toBeGreaterThan(150);
    expect(at(palette, 80, 200)[0]).toBeLessThan(100);
    const topDown = await decode('formats/Info_8_Bit_Top_Down.bmp');
    expect([topDown.width, topDown.height]).toEqual([6, 6]);
  });
});

describe('AVIF without the pixi property (libheif up to 1.9 wrote none)', () => {
  it("libheif's example.avif decodes: 800×533, one opaque frame", async () => {
    const image = await decode('formats/example.avif');
    expect([image.width, image.height, image.frames.length, image.hasAlpha]).toEqual([
      800,
      533,
      1,
      false,
    ]);
  });

  it('the property is added to a copy, from av1C, only when missing; no item moves', () => {
    const complete = fixture('formats/sdr_cosmos12920_cicp1-13-6_yuv444_full_qp10.avif');
    expect(withPixiProperties(complete)).toBe(complete);
    const bytes = fixture('formats/example.avif');
    const amended = withPixiProperties(bytes);
    const text = (at: number) => Buffer.from(amended.subarray(at, at + 4)).toString('latin1');
    // ftyp and mdat where they were; the meta (at 24) now a free box, its amended copy at the end.
    expect(Buffer.from(amended.subarray(0, 24)).equals(bytes.subarray(0, 24))).toBe(true);
    expect(text(28)).toBe('free');
    expect(Buffer.from(amended.subarray(272, bytes.length)).equals(bytes.subarray(272))).toBe(true);
    expect(text(bytes.length + 4)).toBe('meta');
    const pixi = Buffer.from(amended).indexOf('pixi', bytes.length);
    expect(Array.from(amended.subarray(pixi + 4, pixi + 12))).toEqual([0, 0, 0, 0, 3, 8, 8, 8]);
  });

  it('an AVIF with alpha whose pixi properties are removed decodes exactly like the original', async () => {
    const source = await decode('formats/with-alpha.png');
    const original = Buffer.from(
      await encodeImage(source, { format: 'avif', quality: 90, progressive: false }),
    );
    const stripped = Buffer.from(original);
    const metaEnd =
      stripped.indexOf('meta') - 4 + stripped.readUInt32BE(stripped.indexOf('meta') - 4);
    let removed = 0;
    for (
      let at = stripped.indexOf('pixi');
      at > 0 && at < metaEnd;
      at = stripped.indexOf('pixi', at)
    ) {
      stripped.write('free', at, 'latin1');
      removed++;
    }
    expect(removed).toBe(2); // colour and alpha
    const a = await decodeImage(original, probeImage(original), { scale: 1 });
    const b = await decodeImage(stripped, probeImage(stripped), { scale: 1 });
    expect(Buffer.from(b.frames[0]!.data).equals(Buffer.from(a.frames[0]!.data))).toBe(true);
  });
});

describe('encoders round-trip', () => {
  it.each(['jpg', 'png', 'webp', 'avif', 'gif', 'bmp'] as const)('%s', async (format) => {
    const source = await decode('formats/with-alpha.png');
    const flat = format === 'jpg' || format === 'bmp';
    const image = flat ? { ...source, hasAlpha: false } : source;
    const bytes = await encodeImage(image, { format, quality: 90, progressive: false });
    const probe = probeImage(bytes);
    expect(probe).toMatchObject({ format, width: 256, height: 192 });
    const back = await decodeImage(bytes, probe, { scale: 1 });
    const threshold = format === 'gif' ? 0.8 : 0.9;
    const reference = flat ? asSharp(source).flatten({ background: '#000' }) : asSharp(source);
    const candidate = flat ? asSharp(back).flatten({ background: '#000' }) : asSharp(back);
    expect(await similarity(await candidate.png().toBuffer(), reference)).toBeGreaterThan(
      threshold,
    );
  });
});

describe('Adam7 PNG (interlace,i_progressive)', () => {
  it.each([true, false])('is interlaced and lossless (alpha %s)', async (withAlpha) => {
    const source = await decode(
      withAlpha ? 'formats/with-alpha.png' : 'formats/gradients-rgb8.png',
    );
    const bytes = await encodeImage(source, { format: 'png', quality: 85, progressive: true });
    const meta = await sharp(bytes).metadata();
    expect([meta.isProgressive, meta.channels, meta.width]).toEqual([
      true,
      withAlpha ? 4 : 3,
      source.width,
    ]);
    const back = await sharp(bytes).ensureAlpha().raw().toBuffer();
    expect(back.equals(Buffer.from(source.frames[0]!.data))).toBe(true);
  });
});

describe('GIF decoding is bounded (formats/gif/lzw.ts)', () => {
  it('300 seeded mutants of the GIF fixtures each decode or are refused with a 4xx, and end', async () => {
    const { BosError } = await import('../../src/errors');
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const sources = [
      'formats/animated-loop-3.gif',
      'formats/rotating-squares.gif',
      'formats/Crash_test.gif',
    ];
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const source = fixture(sources[i % sources.length]!);
      const bytes = new Uint8Array(source);
      // Corrupt 1–20 bytes past the header, where the LZW data lives.
      for (let n = 1 + (next() % 20); n > 0; n--) {
        bytes[13 + (next() % (bytes.length - 13))] = next() & 0xff;
      }
      try {
        const image = await decodeImage(bytes, probeImage(bytes), { scale: 1 });
        expect(image.frames.length).toBeGreaterThan(0);
        decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(BosError);
        expect((error as InstanceType<typeof BosError>).status).toBeLessThan(500);
        refused++;
      }
    }
    expect(decoded + refused).toBe(300);
  }, 60_000);

  it('the fuzzed file that hung omggif gives the frames before its corrupt one', async () => {
    const bytes = fixture('bad/gif-endless-lzw.gif');
    const image = await decodeImage(bytes, probeImage(bytes), { scale: 1 });
    expect(image.frames.length).toBe(7);
  });
});
