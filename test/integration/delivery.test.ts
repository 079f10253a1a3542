import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { dimensions, fixture, syntheticJpeg } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

let worker: TestWorker;
const original = fixture('photo/flowers.jpeg');

beforeAll(async () => {
  worker = await startWorker();
  await worker.put('photos/flowers.jpeg', original, 'image/jpeg');
  await worker.put('photos/untyped.jpg', original);
  await worker.put('dir with space/ü.jpg', original, 'image/jpeg');
});
afterAll(() => worker.dispose());

describe('plain GET: the original bytes', () => {
  it('returns the stored bytes with Content-Type, ETag, Last-Modified and no replayable request id', async () => {
    const response = await worker.get('/photos/flowers.jpeg');
    expect(response.status).toBe(200);
    expect(response.body.equals(original)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe(String(original.length));
    expect(response.headers.get('etag')).toBe(
      `"${createHash('md5').update(original).digest('hex')}"`,
    );
    expect(response.headers.get('last-modified')).toMatch(/GMT$/);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    // A shared cache in front may replay this answer: it names no single request.
    expect(response.headers.get('x-bce-request-id')).toBeNull();
  });

  it('keys are percent-decoded once', async () => {
    const response = await worker.get('/dir%20with%20space/%C3%BC.jpg');
    expect(response.status).toBe(200);
    expect(response.body.equals(original)).toBe(true);
  });

  it('names the type of an object stored without one', async () => {
    expect((await worker.get('/photos/untyped.jpg')).headers.get('content-type')).toBe(
      'image/jpeg',
    );
  });

  it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
    const partial = await worker.get('/photos/flowers.jpeg', {
      headers: { range: 'bytes=100-199' },
    });
    expect(partial.status).toBe(206);
    expect(partial.body.equals(original.subarray(100, 200))).toBe(true);
    expect(partial.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`);
    const suffix = await worker.get('/photos/flowers.jpeg', { headers: { range: 'bytes=-10' } });
    expect(suffix.body.equals(original.subarray(original.length - 10))).toBe(true);
    const beyond = await worker.get('/photos/flowers.jpeg', {
      headers: { range: `bytes=${original.length}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${original.length}`);
  });

  it('answers If-None-Match and If-Modified-Since with 304', async () => {
    const first = await worker.get('/photos/flowers.jpeg');
    const etag = first.headers.get('etag') as string;
    const byTag = await worker.get('/photos/flowers.jpeg', { headers: { 'if-none-match': etag } });
    expect([byTag.status, byTag.body.length]).toEqual([304, 0]);
    const byDate = await worker.get('/photos/flowers.jpeg', {
      headers: { 'if-modified-since': first.headers.get('last-modified') as string },
    });
    expect(byDate.status).toBe(304);
    const stale = await worker.get('/photos/flowers.jpeg', {
      headers: { 'if-none-match': '"other"' },
    });
    expect(stale.status).toBe(200);
  });

  it('HEAD has the GET headers and no body', async () => {
    const response = await worker.get('/photos/flowers.jpeg', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(response.headers.get('content-length')).toBe(String(original.length));
  });

  it('a missing key is 404 NoSuchKey with the request id in body and header', async () => {
    const response = await worker.get('/photos/nope.jpg');
    expect(response.status).toBe(404);
    const body = response.json();
    expect(body.code).toBe('NoSuchKey');
    expect(body.message).toBe('The specified key does not exist.');
    expect(response.headers.get('x-bce-request-id')).toBe(body.requestId);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('other methods are refused', async () => {
    expect((await worker.get('/photos/flowers.jpeg', { method: 'POST' })).status).toBe(405);
  });
});

describe('processed responses: validators and cache', () => {
  const command = '?x-bce-process=image/resize,w_200/format,f_webp';

  it('HEAD gives the same headers as GET without a body', async () => {
    const get = await worker.get(`/photos/flowers.jpeg${command}`);
    const head = await worker.get(`/photos/flowers.jpeg${command}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of [
      'content-type',
      'content-length',
      'content-md5',
      'etag',
      'x-bce-image-info',
    ]) {
      expect(head.headers.get(name)).toBe(get.headers.get(name));
    }
  });

  it('If-None-Match with the derived ETag answers 304 without a body', async () => {
    const first = await worker.get(`/photos/flowers.jpeg${command}`);
    const etag = first.headers.get('etag') as string;
    const again = await worker.get(`/photos/flowers.jpeg${command}`, {
      headers: { 'if-none-match': etag },
    });
    expect([again.status, again.body.length]).toEqual([304, 0]);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('the ETag is the same for the same command however it is spelled, and differs otherwise', async () => {
    const a = await worker.get(
      '/photos/flowers.jpeg?x-bce-process=image/resize,w_200,h_200/format,f_webp',
    );
    const b = await worker.get(
      '/photos/flowers.jpeg?x-bce-process=image/resize,h_200,m_LFIT,w_200/format,f_webp/',
    );
    const c = await worker.get(
      '/photos/flowers.jpeg?x-bce-process=image/resize,w_201,h_200/format,f_webp',
    );
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    expect(a.headers.get('etag')).not.toBe(c.headers.get('etag'));
  });

  it('a revalidation is answered 304 from the metadata alone, with the headers of the 200', async () => {
    const path = '/photos/flowers.jpeg?x-bce-process=image/resize,w_123';
    const first = await worker.get(path);
    const etag = first.headers.get('etag') as string;
    const again = await worker.get(path, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect([again.status, again.body.length]).toEqual([304, 0]);
    // Only R2 head(): the stage names what was read.
    expect(again.headers.get('server-timing')).toMatch(/^fetch;dur=[\d.]+;desc="metadata"$/);
    for (const name of ['etag', 'cache-control', 'cache-tag', 'last-modified']) {
      expect(again.headers.get(name)).toBe(first.headers.get(name));
    }
    // Neither answer carries a request id a cache could replay as new.
    expect(first.headers.get('x-bce-request-id')).toBeNull();
    expect(again.headers.get('x-bce-request-id')).toBeNull();
    // A stale validator renders anew.
    const stale = await worker.get(path, { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(first.body)).toBe(true);
  });

  it('a replaced watermark picture invalidates the revalidation too', async () => {
    await worker.put(
      'marks/logo.png',
      await sharp({ create: { width: 40, height: 20, channels: 4, background: '#f00' } })
        .png()
        .toBuffer(),
      'image/png',
    );
    const path = `/photos/flowers.jpeg?x-bce-process=image/resize,w_200/watermark,image_${Buffer.from('marks/logo.png').toString('base64url')}`;
    const first = await worker.get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') as string;
    expect((await worker.get(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await worker.put(
      'marks/logo.png',
      await sharp({ create: { width: 40, height: 20, channels: 4, background: '#00f' } })
        .png()
        .toBuffer(),
      'image/png',
    );
    const after = await worker.get(path, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('shareable answers allow stale-while-revalidate; errors and signed answers keep the request id', async () => {
    const response = await worker.get('/photos/flowers.jpeg?x-bce-process=image/resize,w_99');
    expect(response.headers.get('cache-control')).toBe(
      'public, max-age=86400, stale-while-revalidate=86400',
    );
    const missing = await worker.get('/nothing.jpg?x-bce-process=image/resize,w_99');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(missing.headers.get('x-bce-request-id')).toBe(missing.json().requestId);
  });

  it('a changed original is never served from an old entry', async () => {
    const key = '/changing.jpg?x-bce-process=image/resize,w_100';
    await worker.put('changing.jpg', await syntheticJpeg(400, 300));
    const before = await worker.get(key);
    await worker.put('changing.jpg', await syntheticJpeg(300, 400));
    const after = await worker.get(key);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(await dimensions(after.body)).toMatchObject({ width: 100, height: 133 });
    const conditional = await worker.get(key, {
      headers: { 'if-none-match': before.headers.get('etag') as string },
    });
    expect(conditional.status).toBe(200);
  });

  it("uses the object's own Cache-Control when it has one", async () => {
    const bytes = await syntheticJpeg(64, 64);
    const mf = await worker.mf.getR2Bucket('BUCKET');
    await mf.put('cc.jpg', new Uint8Array(bytes).buffer as ArrayBuffer, {
      httpMetadata: { cacheControl: 'public, max-age=60' },
    });
    const response = await worker.get('/cc.jpg?x-bce-process=image/resize,w_10');
    expect(response.headers.get('cache-control')).toBe(
      'public, max-age=60, stale-while-revalidate=86400',
    );
    await mf.put('nostore.jpg', new Uint8Array(bytes).buffer as ArrayBuffer, {
      httpMetadata: { cacheControl: 'no-store' },
    });
    const unshared = await worker.get('/nostore.jpg?x-bce-process=image/resize,w_10');
    expect(unshared.headers.get('cache-control')).toBe('no-store');
    expect(unshared.headers.get('x-bce-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bad input: clear 4xx JSON, never a 500 or a partial image', () => {
  it.each([
    ['bad/65536-uint32-limit.png', 400, 'ImageTooLarge'],
    ['bad/Bad_height.bmp', 400, 'ImageTooLarge'],
    ['bad/Bad_width.bmp', 400, 'ImageTooLarge'],
    ['bad/corrupt-header.jpg', 400, 'UnsupportedImageFormat'],
    ['bad/empty.jpg', 400, 'UnsupportedImageFormat'],
    ['bad/giant-image.jpg', 400, 'ImageTooLarge'],
    ['bad/not-an-image.jpg', 400, 'UnsupportedImageFormat'],
    ['bad/truncated.jpg', 400, 'UnsupportedImageFormat'],
  ])('%s → %i %s', async (path, status, code) => {
    await worker.put(path, fixture(path));
    for (const command of ['image/resize,w_100', 'image/format,f_webp']) {
      const response = await worker.get(`/${path}?x-bce-process=${command}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.json().code).toBe(code);
    }
  });

  it('a 25 MB source is refused from its size before it is read (#52)', async () => {
    const big = new Uint8Array(25 * 1024 * 1024);
    big.set(await syntheticJpeg(64, 64));
    await worker.put('big.jpg', big);
    const response = await worker.get('/big.jpg?x-bce-process=image/resize,w_100');
    expect([response.status, response.json().code]).toEqual([400, 'ImageTooLarge']);
  });

  it('bad syntax is refused before storage is touched: 400 even for a missing key', async () => {
    const response = await worker.get('/missing.jpg?x-bce-process=image/resize,w_10000');
    expect([response.status, response.json().code]).toEqual([400, 'InvalidArgument']);
    const unsupported = await worker.get('/missing.jpg?x-bce-process=image/dehaze');
    expect(unsupported.json().message).toBe('action dehaze is not supported');
  });

  it('text watermarks without fonts in the bucket: 500 FontNotInstalled naming the object', async () => {
    for (const query of [
      'x-bce-process=image/watermark,text_SGVsbG8',
      'x-bce-process=image/crop,w_10/watermark,text_SGVsbG8',
    ]) {
      const response = await worker.get(`/photos/flowers.jpeg?${query}`);
      expect(response.status).toBe(500);
      expect(response.json().code).toBe('FontNotInstalled');
      expect(response.json().message).toMatch(/fonts\/[0-9a-f]+\/serif\.otf/);
    }
  });
});

describe('large sources (#54)', () => {
  it('12000×8000: format only → 400 ImageTooLarge from the header; resize,w_1000 → 1000×667', async () => {
    const sharp = (await import('sharp')).default;
    const big = await sharp({
      create: { width: 12000, height: 8000, channels: 3, background: '#4080c0' },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
    await worker.put('huge.jpg', big);
    const refused = await worker.get('/huge.jpg?x-bce-process=image/format,f_webp');
    expect([refused.status, refused.json().code]).toEqual([400, 'ImageTooLarge']);
    const resized = await worker.get('/huge.jpg?x-bce-process=image/resize,w_1000');
    expect(resized.status).toBe(200);
    expect(await dimensions(resized.body)).toEqual({ format: 'jpeg', width: 1000, height: 667 });
  });
});

describe('no input holds the isolate', () => {
  it('the GIF whose LZW stream made omggif loop forever answers within a second', async () => {
    const worker = await startWorker();
    try {
      await worker.put('endless.gif', fixture('bad/gif-endless-lzw.gif'));
      const started = Date.now();
      const response = await worker.process('endless.gif', 'image/resize,w_100');
      expect(Date.now() - started).toBeLessThan(1000);
      // The frames before the corrupt one (frame 7 of 10), never a partial frame.
      expect(response.status).toBe(200);
      expect((await sharp(response.body, { pages: -1 }).metadata()).pages).toBe(7);
      // The worker still answers afterwards.
      expect((await worker.get('/endless.gif')).status).toBe(200);
    } finally {
      await worker.dispose();
    }
  });
});

describe('Server-Timing (operators see where the time goes)', () => {
  it('one JSON log line per request: id, key, canonical command, status, timings, memory', async () => {
    const logged = await startWorker({ LOG_REQUESTS: 'true' });
    try {
      await logged.put('logged.jpg', fixture('photo/flowers.jpeg'), 'image/jpeg');
      const ok = await logged.process('logged.jpg', 'image/resize,w_64,h_64,m_lfit');
      const missing = await logged.process('absent.jpg', 'image/resize,w_64');
      let lines: Array<Record<string, unknown>> = [];
      for (let i = 0; i < 50 && lines.length < 2; i++) {
        lines = logged.logs
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        if (lines.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [first, second] = lines;
      expect(first).toMatchObject({
        key: 'logged.jpg',
        command: 'resize,align_50,color_FFFFFFFF,h_64,limit_1,m_lfit,w_64',
        status: 200,
        timing: ok.headers.get('server-timing'),
      });
      expect(first?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first?.timing).toMatch(/plan;dur=[\d.]+;desc="predicted \d+ MiB"/);
      expect(first?.wasmMiB).toBeGreaterThan(0);
      expect(second).toMatchObject({
        key: 'absent.jpg',
        status: 404,
        error: 'NoSuchKey',
        requestId: missing.json().requestId,
      });
    } finally {
      await logged.dispose();
    }
  });

  it('a render names its stages and decode scale, planned from the header before the body is read', async () => {
    const worker = await startWorker();
    try {
      await worker.put('timed.jpg', fixture('photo/2569067123_aca715a2ee_o.jpg'), 'image/jpeg');
      const first = await worker.process('timed.jpg', 'image/resize,w_300/format,f_webp');
      const timing = first.headers.get('server-timing') ?? '';
      expect(timing).toMatch(
        /^fetch;dur=[\d.]+, plan;dur=[\d.]+;desc="predicted \d+ MiB", read;dur=[\d.]+, decode;dur=[\d.]+;desc="jpg 2725x2225 at \d\/8", actions;dur=[\d.]+;desc="1", encode;dur=[\d.]+;desc="webp"$/,
      );
      // Purge handles: every derivative of the object, or of this renderer version.
      expect(first.headers.get('cache-tag')).toMatch(/^key:timed\.jpg,renderer:\d+$/);
      // A GIF lists its frames to the end: it is read whole before it is planned.
      await worker.put('timed.gif', fixture('formats/animated-loop-3.gif'), 'image/gif');
      const gif = await worker.process('timed.gif', 'image/resize,w_30');
      expect(gif.headers.get('server-timing')).toMatch(
        /^fetch;dur=[\d.]+, plan;dur=[\d.]+;desc="predicted \d+ MiB", decode/,
      );
    } finally {
      await worker.dispose();
    }
  });
});
