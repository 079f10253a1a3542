import { describe, expect, it } from 'vitest';
import type { ImageProbe } from '../../src/formats/types';
import { readConfig } from '../../src/config';
import { validateCommand } from '../../src/plan/validate';
import { planImage } from '../../src/plan/plan';
import { parseCommand } from '../../src/request/grammar';
import { chooseFormat } from '../../src/request/negotiate';

const config = readConfig({});
const probe = (partial: Partial<ImageProbe>): ImageProbe => ({
  format: 'jpg',
  width: 4000,
  height: 3000,
  frames: 1,
  orientation: undefined,
  jpegQuality: 90,
  hasAlpha: false,
  ...partial,
});
const plan = (value: string, source: ImageProbe, sourceBytes = 4_000_000) => {
  const parsed = parseCommand(value);
  if (parsed.kind !== 'image') throw new Error('style');
  const command = validateCommand(parsed.actions);
  return planImage(
    command,
    source,
    sourceBytes,
    chooseFormat(command.encoder, null, config),
    config,
  );
};

describe('planner: decode scale and region under the memory budget', () => {
  it("grants WebP's token buffer what fits: at least 1 MiB, none past the retained instance", () => {
    const grant = (width: number, height: number) =>
      plan('image/format,f_webp', probe({ width, height })).encode.encoderGrantBytes;
    expect(grant(150, 113)).toBe(1024 * 1024);
    expect(grant(1000, 1000)).toBe(4 * 1000 * 1000);
    // 12 MP: its YUV and working memory alone pass the 32 MiB an instance keeps.
    expect(grant(4000, 3000)).toBe(0);
    // JPEG has no faster path to grant.
    expect(plan('image/quality,Q_80', probe({})).encode.encoderGrantBytes).toBe(0);
  });

  it('streams rows only for a still re-encoded whole between codecs that can', () => {
    const streamed = (command: string, source: Partial<ImageProbe> = {}) =>
      plan(command, probe({ width: 1000, height: 1000, ...source })).streamed;
    expect(streamed('image/format,f_webp')).toBe(true);
    expect(streamed('image/quality,Q_80')).toBe(true);
    expect(streamed('image/format,f_png')).toBe(true);
    // An Adam7 PNG needs the whole image; pixel actions and orientation need a frame.
    expect(streamed('image/format,f_png/interlace,i_1')).toBe(false);
    expect(streamed('image/bright,b_10')).toBe(false);
    expect(streamed('image/resize,w_1000,limit_0')).toBe(false);
    expect(streamed('image/format,f_webp', { orientation: 6 })).toBe(false);
    expect(streamed('image/format,f_webp', { orientation: 1 })).toBe(true);
    // PNG has no row decoder; GIF no row encoder. AVIF has one.
    expect(streamed('image/format,f_webp', { format: 'png' })).toBe(false);
    expect(streamed('image/format,f_gif')).toBe(false);
    expect(streamed('image/format,f_avif')).toBe(true);
  });

  it('12 MP → 400 px keeps 1.25× the needed pixels (the 1/8 decode, 500 px)', () => {
    const result = plan('image/resize,w_400/format,f_webp', probe({}));
    expect(result.decodeHint.scale).toBe(0.125);
    expect(plan('image/resize,w_420/format,f_webp', probe({})).decodeHint.scale).toBe(0.25);
    expect(result.output).toEqual({ width: 400, height: 300 });
  });

  it('a 200 MP JPEG → 1000 px fits by decoding at the needed scale', () => {
    const result = plan(
      'image/resize,w_1000/format,f_webp',
      probe({ width: 16330, height: 12247 }),
      19_000_000,
    );
    // At most 2× the needed pixels: the 1/8 DCT decode (a 4× margin would not fit).
    expect(result.decodeHint.scale).toBeLessThanOrEqual(0.125);
  });

  it('a quarter turn passes the next action’s scale and region to the decoder', () => {
    // 4000×3000 turned is 3000×4000; 300 px wide needs 0.1, kept 1.25× → the 1/8 decode.
    expect(plan('image/rotate,a_90/resize,w_300', probe({})).decodeHint.scale).toBe(0.125);
    expect(plan('image/rotate,a_90/resize,w_400', probe({})).decodeHint.scale).toBe(0.25);
    // The top-left 100×50 of the turned picture is the bottom-left 50×100 of the stored one.
    expect(plan('image/rotate,a_90/crop,w_100,h_50', probe({})).decodeHint).toEqual({
      scale: 1,
      region: { x: 0, y: 2900, width: 50, height: 100 },
    });
    // A crop passes the next action's scale through, with its own region.
    expect(
      plan('image/crop,x_1000,y_500,w_2000,h_1500/resize,w_400', probe({})).decodeHint,
    ).toEqual({
      scale: 0.25,
      region: { x: 1000, y: 500, width: 2000, height: 1500 },
    });
    // crop → crop: the inner region, offset into the picture.
    expect(
      plan('image/crop,x_1000,y_500,w_2000,h_1500/crop,x_10,y_20,w_100,h_50', probe({})).decodeHint,
    ).toEqual({ scale: 1, region: { x: 1010, y: 520, width: 100, height: 50 } });
    // Other angles and pixel effects do not pass anything through.
    const small = probe({ width: 1000, height: 750 });
    expect(plan('image/rotate,a_45/resize,w_30', small).decodeHint).toEqual({ scale: 1 });
    expect(plan('image/bright,b_5/resize,w_30', small).decodeHint).toEqual({ scale: 1 });
  });

  it('a 6 MP and a 12 MP photo converted to WebP at full size fit (12 MP measured +105 MiB)', () => {
    const result = plan('image/format,f_webp', probe({ width: 2725, height: 2225 }), 830_000);
    expect(result.decodeHint).toEqual({ scale: 1 });
    // Re-encoded whole, the rows stream from decoder to encoder: no frame is held.
    const twelve = plan('image/format,f_webp', probe({}), 4_500_000);
    expect([twelve.decodeHint, twelve.streamed]).toEqual([{ scale: 1 }, true]);
    // Through a frame (any pixel action) it would not fit.
    expect(() => plan('image/bright,b_10/format,f_webp', probe({}), 4_500_000)).toThrow(/128 MiB/);
    // With transparency, libwebp's lossless alpha plane does not fit at that size.
    expect(() => plan('image/circle,r_1999/format,f_webp', probe({}), 3_100_000)).toThrow(
      /128 MiB/,
    );
  });

  it('a progressive JPEG counts its coefficients, which libjpeg keeps at any decode scale', () => {
    const base = probe({});
    const progressive = probe({ jpegCoefficientBytes: 3 });
    const small = (source: ImageProbe) => plan('image/resize,w_400', source).predictedPeakBytes;
    expect(small(progressive) - small(base)).toBe(3 * 4000 * 3000);
    // Streamed, the coefficients and the encoder fit; with the frame as well, they do not.
    expect(plan('image/format,f_webp', progressive, 4_500_000).streamed).toBe(true);
    expect(() => plan('image/bright,b_10/format,f_webp', progressive, 4_500_000)).toThrow(
      /128 MiB/,
    );
  });

  it('transparency from the source or an action counts the WebP alpha plane', () => {
    const source = probe({ width: 1000, height: 1000 });
    const peak = (command: string, hasAlpha = false) =>
      plan(command, { ...source, hasAlpha }).predictedPeakBytes;
    const opaque = peak('image/format,f_webp');
    expect(peak('image/format,f_webp', true) - opaque).toBe(20 * 1000 * 1000);
    // The same stage (input and output frames) as an effect that keeps the image opaque.
    expect(
      peak('image/rounded-corners,r_10/format,f_webp') - peak('image/bright,b_10/format,f_webp'),
    ).toBe(20 * 1000 * 1000);
    expect(peak('image/resize,m_pad,w_1000,h_1000,color_FF000080/format,f_webp')).toBeGreaterThan(
      peak('image/resize,m_pad,w_1000,h_1000,color_FF0000/format,f_webp'),
    );
    // JPEG output is flattened: no alpha plane to encode.
    expect(peak('image/bright,b_10/format,f_jpg', true)).toBe(
      peak('image/bright,b_10/format,f_jpg'),
    );
  });

  it('without a shrinking first action the image is decoded whole', () => {
    expect(plan('image/format,f_png', probe({ width: 640, height: 480 })).decodeHint).toEqual({
      scale: 1,
    });
  });

  it('what cannot fit is refused before decoding', () => {
    expect(() =>
      plan('image/format,f_png', probe({ format: 'png', width: 9000, height: 9000 })),
    ).toThrow(expect.objectContaining({ code: 'ImageTooLarge' }));
    expect(() =>
      plan('image/resize,w_400', probe({ format: 'png', width: 9000, height: 9000 })),
    ).toThrow(/would need about \d+ MiB; the limit is 128 MiB/);
  });

  it('with EXIF orientation the needed region is asked for in stored pixels', () => {
    // Stored 3000×4000 with orientation 6: upright 4000×3000.
    const result = plan('image/resize,w_400', probe({ width: 3000, height: 4000, orientation: 6 }));
    expect(result.orientation).toBe(6);
    expect(result.output).toEqual({ width: 400, height: 300 });
  });
});

describe('planner: frames to decode', () => {
  const animatedGif = probe({ format: 'gif', width: 370, height: 285, frames: 10 });
  it('an animation decodes its frames only when the output keeps them', () => {
    expect(plan('image/resize,w_100', animatedGif).frames).toBe(10);
    expect(plan('image/resize,w_100/format,f_jpg', animatedGif).frames).toBe(1);
    expect(plan('image/format,f_png', animatedGif).frames).toBe(1);
    const animatedWebp = probe({ format: 'webp', width: 370, height: 285, frames: 10 });
    expect(plan('image/resize,w_100', animatedWebp).frames).toBe(10);
    expect(plan('image/format,f_gif', animatedWebp).frames).toBe(10);
    expect(plan('image/format,f_webp', animatedGif).frames).toBe(10);
    expect(plan('image/format,f_png', animatedWebp).frames).toBe(1);
  });

  it('an animation to WebP costs its encoder one canvas and a little per frame', () => {
    const animation = (frames: number) =>
      probe({ format: 'gif', width: 500, height: 400, frames, hasAlpha: true });
    const encoder = (frames: number) =>
      plan('image/format,f_webp', animation(frames), 100_000).predictedPeakBytes -
      plan('image/format,f_gif', animation(frames), 100_000).predictedPeakBytes;
    // WebPAnimEncoder: ~30 bytes a canvas pixel and ~1 a frame pixel, against gifenc's 8 a frame
    // pixel; the alpha plane is not counted again (its sub-frames carry one anyway).
    expect(encoder(20) - encoder(10)).toBe(10 * 500 * 400 * (1 - 8));
    expect(encoder(2) + 2 * 8 * 500 * 400).toBe((30 + 2) * 500 * 400);
  });

  it('never more than the 20-frame limit, and a still has one', () => {
    expect(
      plan('image/resize,w_40', probe({ format: 'gif', width: 80, height: 80, frames: 30 })).frames,
    ).toBe(20);
    expect(plan('image/resize,w_40', probe({})).frames).toBe(1);
  });

  it('one frame costs less memory than twenty: the prediction follows the frames decoded', () => {
    const animation = probe({ format: 'gif', width: 500, height: 400, frames: 20 });
    const asGif = plan('image/resize,w_250', animation, 2_000_000);
    const asJpeg = plan('image/resize,w_250/format,f_jpg', animation, 2_000_000);
    // The fixed part (isolate, source) is the same; the frames' part shrinks twentyfold.
    const fixedPart = plan(
      'image/resize,w_1/format,f_jpg',
      probe({ format: 'gif', width: 1, height: 1 }),
      2_000_000,
    ).predictedPeakBytes;
    expect(
      (asGif.predictedPeakBytes - fixedPart) / (asJpeg.predictedPeakBytes - fixedPart),
    ).toBeGreaterThan(15);
  });
});
