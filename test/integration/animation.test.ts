import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, similarity } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

/**
 * Animated WebP output (PROTOCOL.md §7.1): animations stay animated in WebP, from a WebP or a GIF
 * source, with each frame's delay and the loop count, read back by sharp (libwebp's demuxer).
 */
let worker: TestWorker;

beforeAll(async () => {
  worker = await startWorker();
  for (const name of [
    'rotating-squares.webp',
    'rotating-squares.gif',
    'animated-loop-3.gif',
    'animated-loop-3.webp',
  ]) {
    await worker.put(name, fixture(`formats/${name}`));
  }
});
afterAll(() => worker.dispose());

const animation = (body: Buffer) => sharp(body, { pages: -1 }).metadata();
/** Page `page` of an animation flattened onto white, at `width` px (a resize reference). */
const page = (body: Buffer, index: number, width?: number) =>
  sharp(body, { page: index }).resize(width).flatten({ background: '#fff' }).png().toBuffer();

describe('animated WebP output', () => {
  it('rotating-squares.webp resized to 40 px: an animated WebP with its frames, delays and loop', async () => {
    const response = await worker.process('rotating-squares.webp', 'image/resize,w_40');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const meta = await animation(response.body);
    const source = await animation(fixture('formats/rotating-squares.webp'));
    expect([meta.format, meta.width, meta.pageHeight, meta.pages]).toEqual(['webp', 40, 40, 9]);
    expect(meta.delay).toEqual(source.delay);
    expect(meta.loop).toBe(source.loop);
    for (const index of [0, 3, 8]) {
      const reference = await page(fixture('formats/rotating-squares.webp'), index, 40);
      expect(await similarity(await page(response.body, index), sharp(reference))).toBeGreaterThan(
        0.9,
      );
    }
  });

  it('animated-loop-3.gif to WebP: ten frames, the GIF delays, three plays', async () => {
    const response = await worker.process('animated-loop-3.gif', 'image/format,f_webp');
    expect(response.headers.get('content-type')).toBe('image/webp');
    const meta = await animation(response.body);
    const source = await animation(fixture('formats/animated-loop-3.gif'));
    expect([meta.width, meta.pageHeight, meta.pages]).toEqual([370, 285, 10]);
    expect(meta.delay).toEqual(source.delay);
    expect([meta.loop, source.loop]).toEqual([3, 3]);
    for (const index of [0, 5, 9]) {
      const reference = await page(fixture('formats/animated-loop-3.gif'), index);
      expect(await similarity(await page(response.body, index), sharp(reference))).toBeGreaterThan(
        0.95,
      );
    }
  });

  it('rotating-squares.gif to WebP: its first 20 frames, repeated frames merged into longer ones', async () => {
    const response = await worker.process('rotating-squares.gif', 'image/format,f_webp');
    const meta = await animation(response.body);
    const source = await animation(fixture('formats/rotating-squares.gif'));
    const delays = meta.delay ?? [];
    const sourceDelays = (source.delay ?? []).slice(0, 20);
    expect(meta.loop).toBe(source.loop);
    expect(delays.length).toBe(meta.pages);
    // WebPAnimEncoder folds a frame identical to the one before into its duration: the same
    // 20 frames' time, each WebP frame showing the GIF frame due when it starts.
    expect(delays.reduce((a, b) => a + b, 0)).toBe(sourceDelays.reduce((a, b) => a + b, 0));
    let start = 0;
    for (const [index, delay] of delays.entries()) {
      let shown = 0;
      for (let elapsed = 0; elapsed + (sourceDelays[shown] ?? 0) <= start; shown++) {
        elapsed += sourceDelays[shown] ?? 0;
      }
      const reference = await page(fixture('formats/rotating-squares.gif'), shown);
      expect(await similarity(await page(response.body, index), sharp(reference))).toBeGreaterThan(
        0.9,
      );
      start += delay;
    }
  });

  it('a resized animation keeps its delays and loop, GIF or WebP in, WebP out', async () => {
    for (const key of ['animated-loop-3.gif', 'animated-loop-3.webp']) {
      const response = await worker.process(key, 'image/resize,w_185/format,f_webp');
      const meta = await animation(response.body);
      const source = await animation(fixture(`formats/${key}`));
      expect([meta.format, meta.width, meta.pageHeight, meta.pages]).toEqual([
        'webp',
        185,
        143,
        10,
      ]);
      expect(meta.delay).toEqual(source.delay);
      expect(meta.loop).toBe(3);
    }
  });

  it('f_auto turns an animated GIF into an animated WebP where WebP is accepted (§7.1)', async () => {
    const response = await worker.process(
      'animated-loop-3.gif',
      'image/resize,w_100/format,f_auto',
      {
        accept: 'image/avif,image/webp,*/*',
      },
    );
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('vary')).toBe('Accept');
    expect((await animation(response.body)).pages).toBe(10);
  });

  it('other outputs take the first frame of an animated WebP', async () => {
    const response = await worker.process('rotating-squares.webp', 'image/format,f_png');
    expect(response.headers.get('content-type')).toBe('image/png');
    expect((await sharp(response.body).metadata()).pages ?? 1).toBe(1);
  });
});
