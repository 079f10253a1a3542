import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  FORMAT_NAMES,
  formatModule,
  isOutputFormat,
  mimeOfExtension,
  probeImage,
  sniffFormat,
} from '../../src/formats/registry';
import { fixture } from '../helpers/images';

describe('format registry: one module per format', () => {
  it('each fixture is recognised by its own module and by no other', () => {
    const samples = {
      jpg: 'formats/progressive.jpg',
      png: 'formats/with-alpha.png',
      webp: 'formats/4.webp',
      gif: 'formats/animated-loop-3.gif',
      bmp: 'formats/rgb24.bmp',
      avif: 'formats/example.avif',
      heic: 'formats/example.heic',
    } as const;
    expect(Object.keys(samples).sort()).toEqual([...FORMAT_NAMES].sort());
    for (const [format, path] of Object.entries(samples)) {
      const bytes = fixture(path);
      const claimed = FORMAT_NAMES.filter((name) => formatModule(name).sniff(bytes));
      expect([path, claimed]).toEqual([path, [format]]);
      expect(sniffFormat(bytes)).toBe(format);
    }
  });

  it('declares what each format can do, read by the pipeline instead of tables', () => {
    expect(FORMAT_NAMES.filter(isOutputFormat)).toEqual([
      'jpg',
      'png',
      'webp',
      'gif',
      'bmp',
      'avif',
    ]);
    expect(FORMAT_NAMES.filter((name) => formatModule(name).keepsAlpha)).toEqual([
      'png',
      'webp',
      'gif',
      'avif',
      'heic',
    ]);
    expect(FORMAT_NAMES.filter((name) => formatModule(name).keepsAnimation)).toEqual([
      'webp',
      'gif',
    ]);
    expect(formatModule('heic').defaultOutput).toBe('jpg');
    expect(FORMAT_NAMES.map((name) => formatModule(name).mime)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/gif',
      'image/bmp',
      'image/avif',
      'image/heic',
    ]);
    expect(['JPEG', 'jpg', 'heif', 'txt'].map(mimeOfExtension)).toEqual([
      'image/jpeg',
      'image/jpeg',
      'image/heic',
      undefined,
    ]);
  });
});

/** A 2×1 32-bit BMP (BI_RGB, so its fourth byte is padding, not alpha) with the given pixels. */
function bmp32(pixels: number[][]): Uint8Array {
  const out = new Uint8Array(54 + pixels.length * 4);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, pixels.length, true);
  view.setInt32(22, 1, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 32, true);
  pixels.forEach(([r, g, b, x], i) => out.set([b!, g!, r!, x!], 54 + i * 4));
  return out;
}

describe('BMP: the probe and the decoder read one header and agree', () => {
  it.each([
    'formats/rgb24.bmp',
    'formats/rgb24rle24.bmp',
    'formats/rgba32.bmp',
    'formats/V5_24_Bit.bmp',
    'formats/Core_8_Bit.bmp',
    'formats/Info_8_Bit_Top_Down.bmp',
  ])('%s', async (path) => {
    const bytes = fixture(path);
    const probe = probeImage(bytes);
    const image = await decodeImage(bytes, probe, { scale: 1 });
    expect([image.width, image.height, image.hasAlpha]).toEqual([
      probe.width,
      probe.height,
      probe.hasAlpha,
    ]);
  });

  it('a 32-bit BI_RGB file has no alpha: its padding byte is not read as transparency', async () => {
    const bytes = bmp32([
      [255, 0, 0, 0],
      [0, 0, 255, 7],
    ]);
    const probe = probeImage(bytes);
    expect(probe).toMatchObject({ format: 'bmp', width: 2, height: 1, hasAlpha: false });
    const image = await decodeImage(bytes, probe, { scale: 1 });
    expect(Array.from(image.frames[0]!.data)).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });

  it('a negative width or an unsupported compression is refused from the header', () => {
    const negative = bmp32([[1, 2, 3, 4]]);
    new DataView(negative.buffer).setInt32(18, -1, true);
    expect(() => probeImage(negative)).toThrow(
      expect.objectContaining({ code: 'UnsupportedImageFormat' }),
    );
    const jpegInside = bmp32([[1, 2, 3, 4]]);
    new DataView(jpegInside.buffer).setUint32(30, 4, true);
    expect(() => probeImage(jpegInside)).toThrow(
      expect.objectContaining({ code: 'UnsupportedImageFormat' }),
    );
  });
});
