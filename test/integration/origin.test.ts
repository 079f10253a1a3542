import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, fixture, syntheticJpeg } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

let worker: TestWorker;
let server: Server;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const flowers = fixture('photo/flowers.jpeg');
/** The Last-Modified `/images/dated.jpg` sends (a test changes it). */
let datedModified = 'Tue, 01 Dec 2026 10:00:00 GMT';

/** A real HTTP origin on loopback, one behaviour per path. */
function startOrigin(landscape: Buffer): Promise<Server> {
  const origin = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    switch (request.url) {
      case '/images/flowers.jpeg': {
        const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
        if (range) {
          const [start, end] = [Number(range[1]), Number(range[2])];
          response.writeHead(206, {
            'content-type': 'image/jpeg',
            'content-range': `bytes ${start}-${end}/${flowers.length}`,
            etag: '"flowers-v1"',
          });
          response.end(flowers.subarray(start, end + 1));
          return;
        }
        response.writeHead(200, {
          'content-type': 'image/jpeg',
          etag: '"flowers-v1"',
          'set-cookie': 'a=b',
        });
        response.end(flowers);
        return;
      }
      case '/images/no-etag.jpg':
      case '/images/both.jpg':
        response.writeHead(200, { 'content-type': 'image/jpeg' });
        response.end(landscape);
        return;
      case '/images/dated.jpg':
        response.writeHead(200, { 'content-type': 'image/jpeg', 'last-modified': datedModified });
        response.end(landscape);
        return;
      case '/images/weak.jpg':
        response.writeHead(200, { 'content-type': 'image/jpeg', etag: 'W/"weak-1"' });
        response.end(landscape);
        return;
      case '/images/dir/with%20space.jpg':
        response.writeHead(200);
        response.end(landscape);
        return;
      case '/images/broken.jpg':
        response.writeHead(500);
        response.end('boom');
        return;
      case '/images/hangs.jpg':
        return; // never answers: the Worker's timeout must end the wait
      case '/images/endless.jpg': {
        // No Content-Length, 21 MB streamed: refused while streaming, not after buffering it all.
        response.writeHead(200, { 'content-type': 'image/jpeg' });
        const chunk = Buffer.alloc(1024 * 1024, 0xff);
        let sent = 0;
        const pump = () => {
          while (sent < 21 && response.write(chunk)) sent++;
          if (sent >= 21) response.end();
          else response.once('drain', pump);
        };
        pump();
        return;
      }
      default:
        response.writeHead(404);
        response.end();
    }
  });
  return new Promise((resolve) => origin.listen(0, '127.0.0.1', () => resolve(origin)));
}

beforeAll(async () => {
  server = await startOrigin(await syntheticJpeg(400, 300));
  const { port } = server.address() as AddressInfo;
  worker = await startWorker({
    ORIGIN_URL: `http://127.0.0.1:${port}/images/`,
    ORIGIN_TIMEOUT_MS: '1000',
  });
  await worker.put('both.jpg', await syntheticJpeg(200, 100));
});
afterAll(async () => {
  await worker.dispose();
  server.closeAllConnections();
  server.close();
});

describe('HTTP origin behind R2', () => {
  it('processes an object R2 lacks, fetched from the origin', async () => {
    const response = await worker.get(
      '/flowers.jpeg?x-bce-process=image/resize,w_200/format,f_webp',
    );
    expect(response.status).toBe(200);
    expect(await dimensions(response.body)).toEqual({ format: 'webp', width: 200, height: 113 });
  });

  it('forwards no client cookies or credentials', async () => {
    seen.length = 0;
    await worker.get('/flowers.jpeg?x-bce-process=image/resize,w_201', {
      headers: { cookie: 'session=secret', 'x-forwarded-user': 'me' },
    });
    const request = seen.find((entry) => entry.url === '/images/flowers.jpeg');
    expect(request).toBeDefined();
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['x-forwarded-user']).toBeUndefined();
  });

  it('R2 wins when both have the key', async () => {
    const response = await worker.get('/both.jpg?x-bce-process=image/resize,p_50');
    expect(await dimensions(response.body)).toMatchObject({ width: 100, height: 50 });
  });

  it('encodes key segments for the origin', async () => {
    const response = await worker.get('/dir/with%20space.jpg?x-bce-process=image/resize,w_40');
    expect(response.status).toBe(200);
  });

  it('derives a stable ETag from the content when the origin sends none', async () => {
    const a = await worker.get('/no-etag.jpg?x-bce-process=image/resize,w_50');
    const b = await worker.get('/no-etag.jpg?x-bce-process=image/resize,w_50');
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
    const notModified = await worker.get('/no-etag.jpg?x-bce-process=image/resize,w_50', {
      headers: { 'if-none-match': a.headers.get('etag') as string },
    });
    expect(notModified.status).toBe(304);
  });

  it("validates with the origin's own Last-Modified or weak ETag, without hashing the body", async () => {
    const path = '/dated.jpg?x-bce-process=image/resize,w_50';
    const a = await worker.get(path);
    expect(a.status).toBe(200);
    const etag = a.headers.get('etag') as string;
    expect(a.headers.get('last-modified')).toBe(datedModified);
    expect((await worker.get(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // Same bytes, a newer date: a new validator (the origin says it changed).
    datedModified = 'Wed, 02 Dec 2026 10:00:00 GMT';
    const b = await worker.get(path, { headers: { 'if-none-match': etag } });
    expect(b.status).toBe(200);
    expect(b.headers.get('etag')).not.toBe(etag);
    const weak = await worker.get('/weak.jpg?x-bce-process=image/resize,w_50');
    const noEtag = await worker.get('/no-etag.jpg?x-bce-process=image/resize,w_50');
    expect(weak.body.equals(noEtag.body)).toBe(true);
    expect(weak.headers.get('etag')).not.toBe(noEtag.headers.get('etag'));
  });

  it('plain GET streams the original and passes ranges through', async () => {
    const whole = await worker.get('/flowers.jpeg');
    expect(whole.body.equals(flowers)).toBe(true);
    expect(whole.headers.get('set-cookie')).toBeNull();
    const part = await worker.get('/flowers.jpeg', { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.body.equals(flowers.subarray(10, 20))).toBe(true);
  });

  it.each([
    ['/missing.jpg', 404, 'NoSuchKey'],
    ['/broken.jpg', 502, 'OriginUnavailable'],
    ['/hangs.jpg', 502, 'OriginUnavailable'],
    ['/endless.jpg', 400, 'ImageTooLarge'],
  ])('%s → %i %s', async (path, status, code) => {
    const started = Date.now();
    const response = await worker.get(`${path}?x-bce-process=image/resize,w_10`);
    expect([response.status, response.json().code]).toEqual([status, code]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
