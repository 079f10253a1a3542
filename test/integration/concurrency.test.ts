import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, fixture, syntheticJpeg } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

/**
 * Concurrent requests share one isolate's memory (pipeline/admission.ts). These check behaviour,
 * not workerd's memory growth (the bench measures that): everything is served when it fits in
 * turn, and a budget too small for the load degrades to 503 with Retry-After, never to a failure.
 */
describe('concurrent renders in one isolate', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startWorker();
    await worker.put('large.jpg', await syntheticJpeg(4000, 3000, 90));
    await worker.put('small.jpg', fixture('orientation/Landscape_1.jpg'));
  });
  afterAll(() => worker.dispose());

  const mixed = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        i % 2 === 0
          ? worker.process('large.jpg', `image/resize,m_lfit,w_${390 + i},h_400/format,f_webp`)
          : worker.process('small.jpg', `image/resize,w_${100 + i}`),
      ),
    );

  it('20 mixed requests at once (10 × 12 MP → 400 px WebP, 10 small) all succeed', async () => {
    const responses = await mixed(20);
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
  });

  it('with a budget that fits one large render at a time, 40 at once still all answer', async () => {
    const tight = await startWorker({ MEMORY_BUDGET_MIB: '70' });
    try {
      await tight.put('large.jpg', await syntheticJpeg(4000, 3000, 90));
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          tight.process('large.jpg', `image/resize,m_lfit,w_${300 + i},h_400/format,f_webp`),
        ),
      );
      for (const response of responses) {
        expect([200, 503]).toContain(response.status);
        if (response.status === 503) {
          expect(response.headers.get('retry-after')).toBe('1');
          expect(response.json().code).toBe('ServiceUnavailable');
        }
      }
      // One large render fits at a time: every 200 past the first waited without its body and
      // opened the object again once admitted.
      const served = responses.filter((response) => response.status === 200);
      expect(served.length).toBeGreaterThan(1);
      expect(await dimensions(served[served.length - 1]!.body)).toMatchObject({ format: 'webp' });
    } finally {
      await tight.dispose();
    }
  });
});

describe('source buffers reused across requests (source/buffers.ts)', () => {
  it('a source read into the buffer a previous one gave back renders exactly as alone', async () => {
    // Two JPEGs over 256 KiB of nearly the same size: the second is read into the first's buffer.
    const photo = fixture('photo/2569067123_aca715a2ee_o.jpg');
    const cmyk = fixture('photo/Channel_digital_image_CMYK_color.jpg');
    const command = 'image/resize,w_200/format,f_png';
    const alone = await startWorker();
    const shared = await startWorker();
    try {
      await alone.put('cmyk.jpg', cmyk);
      const reference = await alone.process('cmyk.jpg', command);
      await shared.put('photo.jpg', photo);
      await shared.put('cmyk.jpg', cmyk);
      const first = await shared.process('photo.jpg', command);
      const reused = await shared.process('cmyk.jpg', command);
      const again = await shared.process('photo.jpg', command);
      expect([first.status, reused.status, again.status, reference.status]).toEqual([
        200, 200, 200, 200,
      ]);
      expect(reused.body.equals(reference.body)).toBe(true);
      expect(again.body.equals(first.body)).toBe(true);
      expect(again.body.equals(reused.body)).toBe(false);
    } finally {
      await Promise.all([alone.dispose(), shared.dispose()]);
    }
  });
});

describe('the per-request deadline', () => {
  it('a render past REQUEST_DEADLINE_MS stops at its next stage with 503 and Retry-After', async () => {
    const hurried = await startWorker({ REQUEST_DEADLINE_MS: '1' });
    try {
      await hurried.put('large.jpg', await syntheticJpeg(4000, 3000, 90));
      const response = await hurried.process('large.jpg', 'image/resize,w_2000/format,f_png');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.json().message).toMatch(/deadline/);
      // The isolate goes on: a plain GET in the same isolate is served.
      expect((await hurried.get('/large.jpg')).status).toBe(200);
    } finally {
      await hurried.dispose();
    }
  });
});
