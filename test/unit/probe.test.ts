import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, probeHeader, probeImage } from '../../src/formats/registry';
import { checkSourceLimits } from '../../src/limits';
import { fixture, syntheticJpeg } from '../helpers/images';
import { codeOf } from '../helpers/errors';

describe('header probe: format from bytes, size without decoding', () => {
  it.each([
    ['formats/4.webp', 'webp', 1024, 772, 1],
    ['formats/5_webp_a.webp', 'webp', 300, 300, 1],
    ['formats/animated-loop-3.webp', 'webp', 370, 285, 10],
    ['formats/rotating-squares.webp', 'webp', 80, 80, 9],
    ['formats/animated-loop-3.gif', 'gif', 370, 285, 10],
    ['formats/rotating-squares.gif', 'gif', 80, 80, 30],
    ['formats/Crash_test.gif', 'gif', 800, 533, 1],
    ['formats/with-alpha.png', 'png', 256, 192, 1],
    ['formats/16-bit-grey-alpha.png', 'png', 109, 96, 1],
    ['formats/apng-ball.png', 'png', 100, 100, undefined],
    ['formats/example.avif', 'avif', 800, 533, 1],
    ['formats/sdr_cosmos12920_cicp1-13-6_yuv444_full_qp10.avif', 'avif', 2048, 858, 1],
    ['formats/example.heic', 'heic', 1280, 854, 1],
    ['formats/progressive.jpg', 'jpg', 650, 470, 1],
    ['formats/V5_24_Bit.bmp', 'bmp', 435, 353, 1],
    ['formats/Core_8_Bit.bmp', 'bmp', 435, 353, 1],
    ['formats/Info_8_Bit_Top_Down.bmp', 'bmp', 6, 6, 1],
    ['photo/Channel_digital_image_CMYK_color.jpg', 'jpg', 500, 333, 1],
    ['orientation/Landscape_6.jpg', 'jpg', 450, 600, 1],
  ])('%s is %s %i×%i', (path, format, width, height, frames) => {
    const probe = probeImage(fixture(path));
    expect(probe).toMatchObject({ format, width, height });
    if (frames !== undefined) expect(probe.frames).toBe(frames);
  });

  it("JPEGs in several scans declare the coefficients libjpeg keeps (2 bytes each), others don't", async () => {
    const rgb = Buffer.alloc(64 * 48 * 3, 128);
    const raw = { raw: { width: 64, height: 48, channels: 3 } } as const;
    const jpeg = (options: sharp.JpegOptions) => sharp(rgb, raw).jpeg(options).toBuffer();
    const coefficients = async (options: sharp.JpegOptions) =>
      probeImage(await jpeg(options)).jpegCoefficientBytes;
    expect(await coefficients({ progressive: true })).toBe(3); // 4:2:0: 1.5 samples a pixel
    expect(await coefficients({ progressive: true, chromaSubsampling: '4:4:4' })).toBe(6);
    expect(await coefficients({})).toBeUndefined();
    expect(probeImage(fixture('formats/progressive.jpg')).jpegCoefficientBytes).toBeGreaterThan(0);
    expect(probeImage(fixture('photo/flowers.jpeg')).jpegCoefficientBytes).toBeUndefined();
  });

  it('reads EXIF orientation from JPEG', () => {
    for (let n = 1; n <= 8; n++) {
      const probe = probeImage(fixture(`orientation/Portrait_${n}.jpg`));
      expect(probe.orientation ?? 1).toBe(n);
    }
  });

  it.each([
    ['bad/65536-uint32-limit.png', 'ImageTooLarge'],
    ['bad/Bad_height.bmp', 'ImageTooLarge'],
    ['bad/Bad_width.bmp', 'ImageTooLarge'],
    ['bad/giant-image.jpg', 'ImageTooLarge'],
    ['bad/corrupt-header.jpg', 'UnsupportedImageFormat'],
    ['bad/empty.jpg', 'UnsupportedImageFormat'],
    ['bad/not-an-image.jpg', 'UnsupportedImageFormat'],
    ['bad/truncated.jpg', 'UnsupportedImageFormat'],
  ])('%s is refused from its header with %s', (path, code) => {
    expect(codeOf(() => checkSourceLimits(probeImage(fixture(path))))).toBe(code);
  });

  it('refuses a PNG cut short and a WebP whose RIFF size overruns the file', async () => {
    const png = fixture('formats/with-alpha.png');
    expect(codeOf(() => probeImage(png.subarray(0, png.length - 20)))).toBe(
      'UnsupportedImageFormat',
    );
    const webp = fixture('formats/4.webp');
    expect(codeOf(() => probeImage(webp.subarray(0, 5000)))).toBe('UnsupportedImageFormat');
    const jpeg = await syntheticJpeg(64, 48);
    expect(codeOf(() => probeImage(jpeg))).toBe('ok');
    expect(codeOf(() => probeImage(jpeg.subarray(0, jpeg.length - 2)))).toBe(
      'UnsupportedImageFormat',
    );
  });

  it('reads a JPEG that ends with EOI up to its first scan only; without EOI, to the end', async () => {
    const jpeg = await syntheticJpeg(64, 48);
    const scan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    // A marker with an impossible length inside the entropy-coded data, past the first scan's
    // header: the decoder refuses such data; the probe no longer walks there when EOI ends it.
    const damaged = Buffer.concat([
      jpeg.subarray(0, scan + 40),
      Buffer.from([0xff, 0xc4, 0xff, 0xff]),
      jpeg.subarray(scan + 40),
    ]);
    const probe = probeImage(damaged);
    expect(probe).toMatchObject({ width: 64, height: 48 });
    await expect(decodeImage(damaged, probe, { scale: 1 }, { frames: 1 })).rejects.toMatchObject({
      code: 'UnsupportedImageFormat',
    });
    // Without EOI at the end, the walk goes on and meets the bad marker.
    const withTail = Buffer.concat([damaged, Buffer.from([0x00])]);
    expect(codeOf(() => probeImage(withTail))).toBe('UnsupportedImageFormat');
  });

  it.each([20, 50, 70, 75, 80, 85, 90, 95, 100])(
    'estimates the quality of a libjpeg q%i file exactly',
    async (quality) => {
      const jpeg = await sharp({
        create: { width: 32, height: 32, channels: 3, background: '#808080' },
      })
        .jpeg({ quality })
        .toBuffer();
      expect(probeImage(jpeg).jpegQuality).toBe(quality);
    },
  );
});

describe('header-only probe: the plan is made from the first 128 KiB', () => {
  const HEADER = 128 * 1024;
  it.each([
    'photo/2569067123_aca715a2ee_o.jpg',
    'photo/concert.jpg',
    'orientation/Portrait_6.jpg',
    'formats/progressive.jpg',
    'formats/p3.png',
    'formats/apng-ball.png',
    'formats/with-alpha.png',
    'formats/rgb24.bmp',
  ])('%s: the same facts as the whole file', (name) => {
    const bytes = fixture(name);
    const header = probeHeader(bytes.subarray(0, HEADER));
    const whole = probeImage(bytes);
    expect(header).toBeDefined();
    const { icc, exif, ...facts } = whole;
    expect(header).toMatchObject(facts);
    expect(header?.icc?.data.length).toBe(icc?.data.length);
    expect(header?.exif?.length).toBe(exif?.length);
  });

  it.each(['formats/animated-loop-3.gif', 'formats/4.webp', 'formats/example.heic'])(
    '%s: no header probe (its facts run to the end), read whole instead',
    (name) => {
      expect(probeHeader(fixture(name).subarray(0, 1024))).toBeUndefined();
    },
  );

  it('a JPEG prefix cut before its frame header gives no answer, not a wrong one', () => {
    const bytes = fixture('photo/2569067123_aca715a2ee_o.jpg');
    expect(probeHeader(bytes.subarray(0, 200))).toBeUndefined();
    // 580 KB of ICC profile before the frame header: planned only once read whole.
    const cmyk = fixture('photo/Channel_digital_image_CMYK_color.jpg');
    expect(probeHeader(cmyk.subarray(0, HEADER))).toBeUndefined();
    expect(probeHeader(cmyk)).toMatchObject({ width: probeImage(cmyk).width });
  });
});
