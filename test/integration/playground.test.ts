import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, UNSUPPORTED_ACTIONS } from '../../src/actions/registry';
import type { ActionsDocument } from '../../src/handlers/playground';
import { fixture } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

const PHOTO = fixture('photo/flowers.jpeg'); // 1920×1080
const KEYS = { demo: 'demo-secret', other: 'other-secret' };

/** A real HTTP request on loopback (the host the page is served from under `npm start`). */
async function loopback(worker: TestWorker, path: string) {
  const response = await fetch(new URL(path, worker.url));
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body,
    json: <T = { code: string; message: string }>() => JSON.parse(body.toString('utf8')) as T,
  };
}

describe('PLAYGROUND off (the default)', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startWorker();
    await worker.put('_bos/stored.jpg', PHOTO, 'image/jpeg');
  });
  afterAll(() => worker.dispose());

  it('answers /_bos/playground and its endpoints 404 NoSuchKey, like any missing key', async () => {
    const missing = await worker.get('/no-such-key.jpg');
    for (const path of [
      '/_bos/playground',
      '/_bos/playground.js',
      '/_bos/actions.json',
      '/_bos/bucket.json',
      '/_bos/validate?x-bce-process=image/resize,w_10',
      '/_bos/presign?url=/photo.jpg',
    ]) {
      const response = await worker.get(path);
      expect(response.status, path).toBe(404);
      expect(response.json().code).toBe('NoSuchKey');
      expect(response.json().message).toBe(missing.json().message);
      expect(response.headers.get('content-type')).toBe(missing.headers.get('content-type'));
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect((await worker.get('/_bos/playground', { method: 'HEAD' })).status).toBe(404);
  });

  it('never serves an object stored under the reserved _bos/ prefix', async () => {
    expect(await worker.errorCode('_bos/stored.jpg', 'image/resize,w_10')).toBe('404 NoSuchKey');
    expect((await worker.get('/_bos/stored.jpg')).status).toBe(404);
    expect((await worker.get('/v1/bos-images/_bos/stored.jpg')).status).toBe(404);
    // Validation still comes first, as for any key (PROTOCOL.md §1.6).
    expect(await worker.errorCode('_bos/stored.jpg', 'image/resize,w_0')).toBe(
      '400 InvalidArgument',
    );
  });
});

describe('PLAYGROUND on', () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await startWorker({ PLAYGROUND: 'true', ACCESS_KEYS: JSON.stringify(KEYS) });
    await worker.put('flowers.jpeg', PHOTO, 'image/jpeg');
    await worker.put('docs/readme.txt', 'not an image', 'text/plain');
    await worker.put('_bos/stored.jpg', PHOTO, 'image/jpeg');
    await worker.putFonts();
    await worker.kv.put('style:thumb', 'image/resize,m_fill,w_200,h_200/format,f_webp');
  });
  afterAll(() => worker.dispose());

  it('describes the action registry at /_bos/actions.json', async () => {
    const response = await worker.get('/_bos/actions.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const document = JSON.parse(response.body.toString('utf8')) as ActionsDocument;
    expect(document.maxActions).toBe(16);
    expect(document.actions.map((action) => action.name)).toEqual([...ACTIONS.keys()]);
    expect(document.unsupported).toEqual([...UNSUPPORTED_ACTIONS]);
    const resize = document.actions.find((action) => action.name === 'resize');
    expect(resize?.stage).toBe('pixels');
    const param = (key: string) => resize?.params.find((each) => each.key === key);
    expect(param('w')).toEqual({ key: 'w', type: 'int', required: false, min: 1, max: 9999 });
    expect(param('m')).toMatchObject({ type: 'enum', default: 'lfit' });
    expect(param('m')?.values).toEqual(['lfit', 'mfit', 'fill', 'pad', 'fixed']);
    expect(param('limit')).toMatchObject({ type: 'int', min: 0, max: 1, default: 1 });
    expect(param('color')).toMatchObject({ type: 'color', default: 'FFFFFF' });
    const format = document.actions.find((action) => action.name === 'format');
    expect(format?.stage).toBe('encoder');
    expect(format?.params[0]).toMatchObject({ key: 'f', type: 'enum', required: true });
    expect(format?.params[0]?.values).toContain('webp');
    expect(format?.params[0]?.aliases).toMatchObject({ jpeg: 'jpg' });
    const rotate = document.actions.find((action) => action.name === 'rotate');
    expect(rotate?.bareKey).toBe('a');
    expect(rotate?.params[0]).toMatchObject({ key: 'a', min: -360, max: 360, required: true });
    const watermark = document.actions.find((action) => action.name === 'watermark');
    expect(watermark?.params.find((each) => each.key === 'text')).toMatchObject({
      type: 'base64',
      maxLength: 200,
    });
  });

  it('lists the image keys and the styles; it offers to sign only on loopback', async () => {
    const local = await loopback(worker, '/_bos/bucket.json');
    expect(local.status).toBe(200);
    expect(local.json()).toEqual({
      bucket: 'bos-images',
      keys: ['flowers.jpeg'],
      truncated: false,
      styles: [{ name: 'thumb', command: 'image/resize,m_fill,w_200,h_200/format,f_webp' }],
      presign: { accessKeyId: 'demo', expiresInSeconds: 1800 },
    });
    const remote = await worker.get('/_bos/bucket.json');
    expect((JSON.parse(remote.body.toString('utf8')) as { presign: unknown }).presign).toBeNull();
  });

  it('validates a command exactly as the image request would, without reading the object', async () => {
    const valid = await worker.get('/_bos/validate?x-bce-process=image/resize,w_300/format,f_webp');
    expect(valid.status).toBe(200);
    expect(JSON.parse(valid.body.toString('utf8'))).toEqual({
      command: 'image/resize,w_300/format,f_webp',
      canonical: 'resize,align_50,color_FFFFFFFF,limit_1,m_lfit,w_300/format,f_webp',
    });
    for (const command of [
      'image/resize,w_99999',
      'image/resize,w_300,bogus_1',
      'image/rotate',
      'image/dehaze',
      'image/info/resize,w_10',
      'style/missing',
    ]) {
      const validation = await worker.get(`/_bos/validate?x-bce-process=${command}`);
      const image = await worker.process('flowers.jpeg', command);
      expect(validation.status, command).toBe(image.status);
      expect(validation.json().code, command).toBe(image.json().code);
      expect(validation.json().message, command).toBe(image.json().message);
    }
    const style = await worker.get('/_bos/validate?x-bce-process=style/thumb');
    expect(JSON.parse(style.body.toString('utf8'))).toMatchObject({
      style: 'thumb',
      command: 'image/resize,m_fill,w_200,h_200/format,f_webp',
    });
    const v1 = await worker.get('/_bos/validate?v1=w_300,h_300,q_80');
    expect(JSON.parse(v1.body.toString('utf8'))).toMatchObject({
      command: 'image/resize,m_lfit,w_300,h_300,limit_1/quality,Q_80',
    });
    const badV1 = await worker.get('/_bos/validate?v1=w_5000');
    expect(badV1.status).toBe(400);
    expect(badV1.json().code).toBe('InvalidArgument');
    expect((await worker.get('/_bos/validate')).status).toBe(400);
  });

  it('presigns URLs that the Worker accepts, without the secret leaving it', async () => {
    for (const path of [
      '/flowers.jpeg?x-bce-process=image/resize,w_300/format,f_webp',
      '/flowers.jpeg@w_200,h_200',
      '/flowers.jpeg',
    ]) {
      const signing = await loopback(worker, `/_bos/presign?url=${encodeURIComponent(path)}`);
      expect(signing.status, path).toBe(200);
      expect(signing.body.toString('utf8')).not.toContain(KEYS.demo);
      const { url } = signing.json<{ url: string }>();
      expect(url.startsWith(new URL(path, worker.url).href), url).toBe(true);
      expect(url).toMatch(
        /[?&]authorization=bce-auth-v1%2Fdemo%2F[-\dT]+%3A\d\d%3A\d\dZ%2F1800%2Fhost%2F[0-9a-f]{64}$/,
      );
      const signed = await fetch(url);
      expect(signed.status, url).toBe(200);
      const tampered = await loopback(worker, `${url}&extra=1`);
      expect(tampered.status).toBe(403);
      expect(tampered.json().code).toBe('SignatureDoesNotMatch');
    }
  });

  it('refuses to presign off loopback, without keys, or for another origin', async () => {
    const remote = await worker.get('/_bos/presign?url=/flowers.jpeg');
    expect(`${remote.status} ${remote.json().code}`).toBe('404 NoSuchKey');
    const foreign = await loopback(worker, '/_bos/presign?url=https://example.com/flowers.jpeg');
    expect(`${foreign.status} ${foreign.json().code}`).toBe('400 InvalidArgument');
    const keyless = await startWorker({ PLAYGROUND: 'true' });
    try {
      const response = await loopback(keyless, '/_bos/presign?url=/flowers.jpeg');
      expect(`${response.status} ${response.json().code}`).toBe('404 NoSuchKey');
      const listed = await loopback(keyless, '/_bos/bucket.json');
      expect(listed.json<{ presign: unknown }>().presign).toBeNull();
    } finally {
      await keyless.dispose();
    }
  });

  it('keeps _bos/ to itself: unknown names are missing keys, only GET and HEAD', async () => {
    expect((await worker.get('/_bos/stored.jpg')).json().code).toBe('NoSuchKey');
    expect((await worker.get('/_bos/')).status).toBe(404);
    expect((await worker.get('/_bos/actions.json', { method: 'HEAD' })).status).toBe(200);
    const post = await worker.get('/_bos/actions.json', { method: 'POST' });
    expect(`${post.status} ${post.json().code}`).toBe('405 MethodNotAllowed');
    // The page's own files come from [assets], which this test harness does not bind: the
    // browser test (test/browser/) loads them from `npm start`.
    expect((await worker.get('/_bos/playground')).json().code).toBe('NoSuchKey');
  });
});
