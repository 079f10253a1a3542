import { deflateSync, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withPixiProperties } from '../../src/formats/avif/pixi';
import { decodeImage, encodeImage } from '../../src/formats/registry';
import { probeImage } from '../../src/formats/registry';
import type { RasterImage } from '../../src/image';
import { wasmMemoryBytes } from '../../src/wasm/loader';
import { encodePngRows, pngEncoderModule } from '../../src/wasm/png-encoder';
import { frameRows } from '../../src/image';
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
      await encodeImage(source, {
        format: 'avif',
        quality: 90,
        progressive: false,
        encoderGrantBytes: 0,
      }),
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
    const bytes = await encodeImage(image, {
      format,
      quality: 90,
      progressive: false,
      encoderGrantBytes: 0,
    });
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

describe('WebP encoding (our libwebp build, wasm/webp/encoder.c)', () => {
  const settings = {
    format: 'webp',
    quality: 85,
    progressive: false,
    encoderGrantBytes: 0,
  } as const;

  it("a photo fed by strips is libwebp's whole-frame encoding: sharp's WebP, byte for byte", async () => {
    for (const path of ['photo/flowers.jpeg', 'photo/2569067123_aca715a2ee_o.jpg']) {
      const photo = await decode(path);
      // With its token buffer granted, as libwebp runs by default.
      const ours = await encodeImage(photo, { ...settings, encoderGrantBytes: 64 * 1024 * 1024 });
      const theirs = await asSharp(photo).removeAlpha().webp({ quality: 85 }).toBuffer();
      if (path.includes('flowers')) {
        expect(await similarity(Buffer.from(ours), sharp(theirs))).toBeGreaterThanOrEqual(0.99);
      }
      // Debian's libwebp 1.2.4 and sharp's 1.6.0 code VP8 alike: the same bytes.
      expect(Buffer.from(ours).equals(theirs)).toBe(true);
    }
  });

  it('holds the picture as YUV, never the RGBA frame: 6 MP in less than one frame', async () => {
    // The largest picture here (an instance that grew past 32 MiB would be dropped after use).
    const photo = await decode('photo/2569067123_aca715a2ee_o.jpg');
    await encodeImage(photo, settings);
    const pixels = photo.width * photo.height;
    expect(wasmMemoryBytes()['webp-enc']).toBeLessThan(3.5 * pixels);
  });

  it("libwebp's token buffer stays inside its grant: past it, the still is encoded again without", async () => {
    // Seeded noise: the most tokens a picture can ask for.
    const width = 1024;
    const height = 768;
    const data = new Uint8Array(width * height * 4);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      data[i] = i % 4 === 3 ? 255 : seed >>> 24;
    }
    const image = { width, height, hasAlpha: false, frames: [{ data, delayMs: 0 }] };
    const lean = await encodeImage(image, settings);
    // A grant too small for this picture's tokens: low_memory, the same bytes as without one.
    const cut = await encodeImage(image, { ...settings, encoderGrantBytes: 1024 * 1024 });
    expect(Buffer.from(cut).equals(Buffer.from(lean))).toBe(true);
    // A grant large enough: the token path, a valid file of the same picture.
    const fast = await encodeImage(image, { ...settings, encoderGrantBytes: 64 * 1024 * 1024 });
    expect(Buffer.from(fast).equals(Buffer.from(lean))).toBe(false);
    const back = await sharp(fast).raw().toBuffer({ resolveWithObject: true });
    expect([back.info.width, back.info.height]).toEqual([width, height]);
    expect(await similarity(Buffer.from(fast), sharp(Buffer.from(lean)))).toBeGreaterThan(0.95);
  });

  it('without the token buffer, statistics from sampled rows: within 2 % of the size, the same fidelity', async () => {
    // wasm/webp/stat-sample.patch: the statistics pass of a low_memory encode reads 1 macroblock
    // row of every 8. Against the token path (statistics from every macroblock) on the 6 MP photo.
    const photo = await decode('photo/2569067123_aca715a2ee_o.jpg');
    const lean = await encodeImage(photo, settings);
    const full = await encodeImage(photo, { ...settings, encoderGrantBytes: 64 * 1024 * 1024 });
    expect(Buffer.from(lean).equals(Buffer.from(full))).toBe(false);
    expect(lean.length / full.length).toBeLessThan(1.02);
    const source = photo.frames[0]?.data ?? new Uint8Array();
    const psnr = async (webp: Uint8Array) => {
      const back = await sharp(webp).ensureAlpha().raw().toBuffer();
      let squared = 0;
      for (let i = 0; i < source.length; i++) {
        if (i % 4 === 3) continue;
        const error = (source[i] as number) - (back[i] as number);
        squared += error * error;
      }
      return 10 * Math.log10((255 * 255) / (squared / ((source.length / 4) * 3)));
    };
    expect(await psnr(lean)).toBeGreaterThan((await psnr(full)) - 0.05);
  });

  it('transparency arriving after opaque strips, odd sizes: alpha exact, colour close', async () => {
    const width = 257;
    const height = 193;
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 4;
        data.set([(x * 255) / width, (y * 255) / height, (x * y) % 256, 255], at);
        // Opaque above row 40 (the alpha plane starts late), then a soft diagonal edge.
        if (y > 40 && x < y) data[at + 3] = Math.max(0, 255 - 8 * (y - x));
      }
    }
    const image = { width, height, hasAlpha: true, frames: [{ data, delayMs: 0 }] };
    const bytes = await encodeImage(image, settings);
    const back = await decodeImage(bytes, probeImage(bytes), { scale: 1 });
    const alpha = (pixels: Uint8Array) => pixels.filter((_, i) => i % 4 === 3);
    expect(Buffer.from(alpha(back.frames[0]!.data)).equals(Buffer.from(alpha(data)))).toBe(true);
    const flat = (pixels: RasterImage) => asSharp(pixels).flatten({ background: '#fff' });
    expect(await similarity(await flat(back).png().toBuffer(), flat(image))).toBeGreaterThan(0.97);
  });

  it('an animated WebP re-encoded keeps its frames, delays and loop count', async () => {
    const source = await decode('formats/rotating-squares.webp');
    const bytes = await encodeImage(source, settings);
    const probe = probeImage(bytes);
    expect(probe).toMatchObject({ format: 'webp', width: 80, height: 80, frames: 9 });
    const back = await decodeImage(bytes, probe, { scale: 1 });
    expect(back.frames.map((frame) => frame.delayMs)).toEqual(
      source.frames.map((frame) => frame.delayMs),
    );
    expect([back.loopCount, source.loopCount]).toEqual([0, 0]);
    for (const index of [0, 4, 8]) {
      const flat = (image: RasterImage) =>
        asSharp(image, index).flatten({ background: '#fff' }).png().toBuffer();
      expect(await similarity(await flat(back), sharp(await flat(source)))).toBeGreaterThan(0.9);
    }
  });

  it('GIF loop counts are plays, as WebP and libvips count them (NETSCAPE2.0 stores one less)', async () => {
    const gif = await decode('formats/animated-loop-3.gif');
    const meta = await sharp(fixture('formats/animated-loop-3.gif')).metadata();
    expect([gif.loopCount, meta.loop]).toEqual([3, 3]);
    const asWebp = await encodeImage(gif, settings);
    const asGif = await encodeImage(gif, { ...settings, format: 'gif' });
    expect((await sharp(asWebp).metadata()).loop).toBe(3);
    expect((await sharp(asGif).metadata()).loop).toBe(3);
    const once = await encodeImage({ ...gif, loopCount: 1 }, { ...settings, format: 'gif' });
    expect(Buffer.from(once).includes('NETSCAPE2.0')).toBe(false);
    expect((await sharp(once).metadata()).loop).toBe(1);
  });
});

describe('Adam7 PNG (interlace,i_progressive)', () => {
  it.each([true, false])('is interlaced and lossless (alpha %s)', async (withAlpha) => {
    const source = await decode(
      withAlpha ? 'formats/with-alpha.png' : 'formats/gradients-rgb8.png',
    );
    const bytes = await encodeImage(source, {
      format: 'png',
      quality: 85,
      progressive: true,
      encoderGrantBytes: 0,
    });
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

/** The chunks of a PNG: type, data, and whether the stored CRC matches (checked here, not by a decoder). */
function pngChunks(png: Uint8Array): Array<{ type: string; data: Uint8Array; crcOk: boolean }> {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const data = png.subarray(at + 8, at + 8 + length);
    chunks.push({
      type: new TextDecoder().decode(png.subarray(at + 4, at + 8)),
      data,
      crcOk: crc(png.subarray(at + 4, at + 8 + length)) === view.getUint32(at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

/** libpng's adaptive choice for one row: the filter with the smallest sum of |signed byte|. */
function expectedFilter(row: Uint8Array, up: Uint8Array, bpp: number): number {
  const sums = [0, 0, 0, 0, 0];
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = up[i]!;
    const c = i >= bpp ? up[i - bpp]! : 0;
    const pa = Math.abs(b - c);
    const pb = Math.abs(a - c);
    const pc = Math.abs(a + b - 2 * c);
    const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    const predicted = [0, a, b, (a + b) >> 1, paeth];
    predicted.forEach((p, type) => {
      const value = (row[i]! - p) & 0xff;
      sums[type]! += value < 128 ? value : 256 - value;
    });
  }
  return sums.indexOf(Math.min(...sums));
}

describe('PNG decoder (wasm/png/decoder.c: libdeflate, our unfiltering)', () => {
  /** A photo at an odd size with a soft alpha ramp (fully transparent and opaque corners). */
  const photo = async () => {
    const { data, info } = await sharp(fixture('photo/flowers.jpeg'))
      .resize(97, 61, { fit: 'fill' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (let i = 0; i < info.width * info.height; i++) {
      const x = i % info.width;
      const y = Math.floor(i / info.width);
      data[i * 4 + 3] = Math.min(255, Math.max(0, (x + y) * 2 - 20));
    }
    return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } });
  };
  const ours = async (png: Uint8Array) => {
    const image = await decodeImage(png, probeImage(png), { scale: 1 });
    return Buffer.from(image.frames[0]!.data);
  };
  /** sharp's (libspng's) RGBA of a PNG: exact for 8-bit; for 16-bit, the high byte of each sample. */
  const reference = async (png: Buffer, wide = false) => {
    const rgba = sharp(png)
      .toColourspace(wide ? 'rgb16' : 'srgb')
      .ensureAlpha();
    if (!wide) return rgba.raw().toBuffer();
    const samples = await rgba.raw({ depth: 'ushort' }).toBuffer();
    return Buffer.from(
      new Uint16Array(samples.buffer, samples.byteOffset, samples.length / 2).map((v) => v >> 8),
    );
  };

  it.each([
    ['RGBA', (i: sharp.Sharp) => i.png()],
    ['RGB', (i: sharp.Sharp) => i.removeAlpha().png()],
    ['grey', (i: sharp.Sharp) => i.removeAlpha().toColourspace('b-w').png()],
    ['grey+alpha', (i: sharp.Sharp) => i.toColourspace('b-w').png()],
    ['palette 256 + tRNS', (i: sharp.Sharp) => i.png({ palette: true, colours: 256 })],
    ['palette 16 (4-bit) + tRNS', (i: sharp.Sharp) => i.png({ palette: true, colours: 16 })],
    ['palette 2 (1-bit)', (i: sharp.Sharp) => i.removeAlpha().png({ palette: true, colours: 2 })],
    ['Adam7 RGBA', (i: sharp.Sharp) => i.png({ progressive: true })],
    ['Adam7 palette + tRNS', (i: sharp.Sharp) => i.png({ progressive: true, palette: true })],
    ['adaptive filters', (i: sharp.Sharp) => i.png({ adaptiveFiltering: true })],
  ])('%s: the same RGBA as sharp', async (_, write) => {
    const png = await write(await photo()).toBuffer();
    expect((await ours(png)).equals(await reference(png))).toBe(true);
  });

  it.each([
    ['16-bit RGBA', (i: sharp.Sharp) => i.toColourspace('rgb16').png()],
    ['16-bit grey', (i: sharp.Sharp) => i.removeAlpha().toColourspace('grey16').png()],
    ['16-bit RGBA Adam7', (i: sharp.Sharp) => i.toColourspace('rgb16').png({ progressive: true })],
  ])('%s: the high byte of each sample', async (_, write) => {
    const png = await write(await photo()).toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    expect((await ours(png)).equals(await reference(png, true))).toBe(true);
  });

  it("corrupt image data is refused as the client's file (400), not decoded partly", async () => {
    const png = Uint8Array.from(await (await photo()).png().toBuffer());
    const idat = pngChunks(png).find((c) => c.type === 'IDAT')!;
    // Inside the deflate stream; no decoder here checks the CRC, so only the data is wrong.
    const at = idat.data.byteOffset - png.byteOffset + Math.floor(idat.data.length / 2);
    png.fill(0xff, at, at + 64);
    await expect(decodeImage(png, probeImage(png), { scale: 1 })).rejects.toMatchObject({
      code: 'UnsupportedImageFormat',
      status: 400,
    });
  });

  it('a stream that ends before the last row is refused', async () => {
    const good = Uint8Array.from(await (await photo()).png().toBuffer());
    const stream = Buffer.concat(
      pngChunks(good).flatMap((c) => (c.type === 'IDAT' ? [c.data] : [])),
    );
    const short = deflateSync(inflateSync(stream).subarray(0, -100));
    const png = replaceIdat(good, short);
    expect(probeImage(png).width).toBe(97);
    await expect(decodeImage(png, probeImage(png), { scale: 1 })).rejects.toMatchObject({
      status: 400,
    });
  });
});

/** The PNG with its image data replaced by one IDAT chunk (CRCs left zero: nobody checks them). */
function replaceIdat(png: Uint8Array, data: Uint8Array): Uint8Array {
  const parts: number[] = Array.from(png.subarray(0, 8));
  let written = false;
  for (const { type, data: body } of pngChunks(png)) {
    if (type === 'IDAT' && written) continue;
    const payload = type === 'IDAT' ? data : body;
    written ||= type === 'IDAT';
    const length = payload.length;
    parts.push(length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255);
    parts.push(...new TextEncoder().encode(type), ...payload, 0, 0, 0, 0);
  }
  return Uint8Array.from(parts);
}

describe('PNG encoder (wasm/png/encoder.c: zlib, fed by row strips)', () => {
  const encodePng = (image: RasterImage) =>
    encodeImage(image, { format: 'png', quality: 85, progressive: false, encoderGrantBytes: 0 });

  it.each([
    ['formats/with-alpha.png', true],
    ['formats/16-bit-grey-alpha.png', true],
    ['formats/gradients-rgb8.png', false],
    ['photo/2569067123_aca715a2ee_o.jpg', false],
  ])('%s: sharp reads back the same pixels; RGBA only with alpha', async (path, alpha) => {
    const source = await decode(path);
    expect(source.hasAlpha).toBe(alpha);
    const bytes = await encodePng(source);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.channels, meta.isProgressive]).toEqual(['png', alpha ? 4 : 3, false]);
    const back = await sharp(bytes).ensureAlpha().raw().toBuffer();
    expect(back.equals(Buffer.from(source.frames[0]!.data))).toBe(true);
  });

  it('writes IHDR, IDAT chunks of at most 64 KiB with valid CRCs, IEND; one zlib stream', async () => {
    const source = await decode('photo/2569067123_aca715a2ee_o.jpg');
    const chunks = pngChunks(await encodePng(source));
    expect(chunks.map((chunk) => chunk.type).filter((type) => type !== 'IDAT')).toEqual([
      'IHDR',
      'IEND',
    ]);
    expect(chunks.every((chunk) => chunk.crcOk)).toBe(true);
    const idat = chunks.filter((chunk) => chunk.type === 'IDAT');
    expect(idat.length).toBeGreaterThan(50);
    expect(Math.max(...idat.map((chunk) => chunk.data.length))).toBe(65536);
    const header = chunks[0]!.data;
    // 2725×2225, 8 bits, colour type 2 (RGB), deflate, adaptive filters, not interlaced.
    expect(Array.from(header)).toEqual([0, 0, 10, 165, 0, 0, 8, 177, 8, 2, 0, 0, 0]);
    const raw = inflateSync(Buffer.concat(idat.map((chunk) => chunk.data)));
    expect(raw.length).toBe(2225 * (1 + 2725 * 3));
  });

  it("chooses every row's filter as libpng's minimum-sum-of-absolute-differences heuristic", async () => {
    for (const path of ['formats/gradients-rgb8.png', 'formats/with-alpha.png']) {
      const source = await decode(path);
      const bpp = source.hasAlpha ? 4 : 3;
      const chunks = pngChunks(await encodePng(source));
      const raw = inflateSync(
        Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((c) => c.data)),
      );
      const stride = 1 + source.width * bpp;
      const used = new Set<number>();
      let up = new Uint8Array(stride - 1);
      for (let y = 0; y < source.height; y++) {
        const row = new Uint8Array(stride - 1);
        const rgba = source.frames[0]!.data.subarray(y * source.width * 4);
        for (let x = 0; x < source.width; x++) row.set(rgba.subarray(x * 4, x * 4 + bpp), x * bpp);
        const filter = raw[y * stride]!;
        expect(filter).toBe(expectedFilter(row, up, bpp));
        used.add(filter);
        up = row;
      }
      expect(used.size).toBeGreaterThan(1);
    }
  });

  it("is no larger than sharp's default PNG of the photo (10 % margin)", async () => {
    const source = await decode('photo/2569067123_aca715a2ee_o.jpg');
    const ours = await encodePng(source);
    const reference = await sharp(Buffer.from(source.frames[0]!.data), {
      raw: { width: source.width, height: source.height, channels: 4 },
    })
      .removeAlpha()
      .png()
      .toBuffer();
    // 6.63 MB against sharp's 10.43 MB (no filtering by default).
    expect(ours.length).toBeLessThan(reference.length * 1.1);
  });

  it('stops once the file passes maxBytes, and the instance encodes again afterwards', async () => {
    const source = await decode('formats/gradients-rgb8.png');
    const data = source.frames[0]!.data;
    const options = { hasAlpha: false, level: 1 };
    const cut = await pngEncoderModule.use((module) =>
      encodePngRows(module, frameRows(data, source, false), { ...options, maxBytes: 100_000 }),
    );
    expect(cut).toBeUndefined();
    const whole = await pngEncoderModule.use((module) =>
      encodePngRows(module, frameRows(data, source, false), {
        ...options,
        maxBytes: 20_000_000,
      }),
    );
    expect(whole && (await sharp(whole).metadata()).width).toBe(1000);
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
