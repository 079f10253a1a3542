import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bosAuth, bosClient, type BosClient } from '../helpers/bos-sdk';
import { fixture } from '../helpers/images';
import { startWorker, type TestWorker } from '../helpers/worker';

const BUCKET = 'bos-images';
const KEYS = { reader: 'reader-secret', admin: 'admin-secret' };
const PHOTO = fixture('photo/flowers.jpeg'); // 1920×1080

let worker: TestWorker;
let client: BosClient;
let admin: BosClient;

/** A plain HTTP GET of a full URL (what a browser does with a presigned URL). */
const fetchUrl = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const json = () => JSON.parse(body.toString('utf8')) as { code: string; message: string };
  return { status: response.status, headers: response.headers, body, json };
};
const codeOf = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetchUrl(new URL(path, worker.url).href, headers);
  return response.status === 200 ? '200' : `${response.status} ${response.json().code}`;
};
const sdkError = async (run: () => Promise<unknown>) => {
  try {
    await run();
    return 'ok';
  } catch (error) {
    const failure = error as { status_code?: number; code?: string };
    return `${failure.status_code} ${failure.code ?? ''}`.trim();
  }
};

beforeAll(async () => {
  worker = await startWorker({
    ACCESS_KEYS: JSON.stringify(KEYS),
    ADMIN_ACCESS_KEY: 'admin',
  });
  for (const key of ['photo.jpg', 'protected/photo.jpg', 'open/photo.jpg', 'a b/ü (1).jpg']) {
    await worker.put(key, PHOTO, 'image/jpeg');
  }
  await worker.putFonts();
  await worker.kv.put('style:thumb', 'resize,w_100');
  await worker.kv.put('style:small', 'image/resize,w_50/format,f_webp');
  await worker.kv.put('style:nested', 'style/thumb');
  await worker.kv.put('style:long', `image/${'bright,b_1/'.repeat(17)}`);
  const endpoint = worker.url.origin;
  client = bosClient({ endpoint, credentials: { ak: 'reader', sk: KEYS.reader } });
  admin = bosClient({ endpoint, credentials: { ak: 'admin', sk: KEYS.admin } });
});
afterAll(() => worker.dispose());

describe('styles (§4)', () => {
  it('style/<name> runs the stored command as if sent inline; `image/` is optional', async () => {
    const style = await worker.process('photo.jpg', 'style/thumb');
    const inline = await worker.process('photo.jpg', 'image/resize,w_100');
    expect(style.status).toBe(200);
    expect(style.body.equals(inline.body)).toBe(true);
    expect(style.headers.get('etag')).toBe(inline.headers.get('etag'));
    const small = await worker.process('photo.jpg', 'style/small');
    expect(small.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(small.body).metadata()).width).toBe(50);
  });

  it('V1 `@!name` is the same style', async () => {
    const v1 = await worker.get('/photo.jpg@!thumb');
    const style = await worker.process('photo.jpg', 'style/thumb');
    expect(v1.status).toBe(200);
    expect(v1.body.equals(style.body)).toBe(true);
  });

  it('a style’s ETag changes when its command changes', async () => {
    await worker.kv.put('style:changing', 'resize,w_80');
    const before = await worker.process('photo.jpg', 'style/changing');
    await worker.kv.put('style:changing', 'resize,w_90');
    const after = await worker.process('photo.jpg', 'style/changing');
    expect(before.headers.get('etag')).not.toBe(after.headers.get('etag'));
    expect((await sharp(after.body).metadata()).width).toBe(90);
  });

  it('errors: missing 404 NoSuchStyle, bad name or extra actions 400, no style in a style, 16 actions', async () => {
    expect(await worker.errorCode('photo.jpg', 'style/missing')).toBe('404 NoSuchStyle');
    expect(await worker.errorCode('photo.jpg', 'style/_bad')).toBe('400 InvalidArgument');
    expect(await worker.errorCode('photo.jpg', 'style/thumb/resize,w_10')).toBe(
      '400 InvalidArgument',
    );
    expect(await worker.errorCode('photo.jpg', 'style/nested')).toBe('400 InvalidArgument');
    expect(await worker.errorCode('photo.jpg', 'style/long')).toBe('400 InvalidArgument');
    expect(await codeOf('/photo.jpg@!missing')).toBe('404 NoSuchStyle');
  });
});

describe('V1 `@` URLs (§6)', () => {
  const same = async (v1: string, v2: string) => {
    const a = await worker.get(`/photo.jpg@${v1}`);
    const b = await worker.process('photo.jpg', v2);
    return { a, b, equal: a.status === b.status && a.body.equals(b.body) };
  };

  it.each([
    ['w_250,h_380,q_90', 'image/resize,m_lfit,w_250,h_380,limit_1/quality,Q_90'],
    ['w_300,s_1', 'image/resize,m_fixed,w_300,limit_1'],
    ['w_200,h_200,s_2', 'image/resize,m_fill,w_200,h_200,limit_1'],
    ['w_3000,l_1', 'image/resize,m_lfit,w_3000,limit_0'],
    ['c_1,x_100,y_50,w_400,h_300', 'image/crop,x_100,y_50,w_400,h_300'],
    ['w_200|a_90', 'image/resize,m_lfit,w_200,limit_1/rotate,a_90'],
    [
      'w_200,f_png,d_progressive',
      'image/resize,m_lfit,w_200,limit_1/format,f_png/interlace,i_progressive',
    ],
    ['o_0,w_100', 'image/resize,m_lfit,w_100,limit_1/auto-orient,o_0'],
  ])('@%s ≡ %s', async (v1, v2) => {
    const { a, equal } = await same(v1, v2);
    expect(a.status).toBe(200);
    expect(equal).toBe(true);
  });

  it('the documented example answers what its V2 translation answers', async () => {
    const { a, b, equal } = await same(
      'w_250,h_380,q_90|wm_2,t_5rC05Y2w,g_9',
      'image/resize,m_lfit,w_250,h_380,limit_1/quality,Q_90/watermark,text_5rC05Y2w,g_9',
    );
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(equal).toBe(true);
  });

  it('errors are V2 errors: more than 4 groups, unknown or repeated keys, out of range', async () => {
    expect(await codeOf('/photo.jpg@w_1|w_1|w_1|w_1|w_1')).toBe('400 InvalidArgument');
    expect(await codeOf('/photo.jpg@w_100,z_1')).toBe('400 InvalidArgument');
    expect(await codeOf('/photo.jpg@w_100,w_200')).toBe('400 InvalidArgument');
    expect(await codeOf('/photo.jpg@w_5000')).toBe('400 InvalidArgument');
    expect(await codeOf('/photo.jpg@wm_2,g_9')).toBe('400 MissingArgument');
    expect(await codeOf('/missing.jpg@w_5000')).toBe('400 InvalidArgument');
    expect(await codeOf('/missing.jpg@w_100')).toBe('404 NoSuchKey');
  });
});

describe('bce-auth-v1 signatures (§5.3) made by the BOS SDK', () => {
  it('presigned URLs: path style /v1/<bucket>/<key>, with and without x-bce-process', async () => {
    const plain = client.generatePresignedUrl(BUCKET, 'photo.jpg', null, 1800);
    expect(new URL(plain).pathname).toBe(`/v1/${BUCKET}/photo.jpg`);
    const original = await fetchUrl(plain);
    expect(original.status).toBe(200);
    expect(original.body.equals(PHOTO)).toBe(true);
    const processed = await fetchUrl(
      client.generatePresignedUrl(BUCKET, 'photo.jpg', null, 1800, null, {
        'x-bce-process': 'image/resize,w_120/format,f_png',
      }),
    );
    expect(processed.status).toBe(200);
    expect(await sharp(processed.body).metadata()).toMatchObject({ format: 'png', width: 120 });
  });

  it('presigned URLs: custom-domain form /<key>, keys with spaces and non-ASCII', async () => {
    const cname = bosClient({
      endpoint: worker.url.origin,
      credentials: { ak: 'reader', sk: KEYS.reader },
      cname_enabled: true,
      removeVersionPrefix: true,
    });
    const url = cname.generatePresignedUrl(BUCKET, 'a b/ü (1).jpg', null, 1800, null, {
      'x-bce-process': 'image/resize,w_64',
    });
    expect(new URL(url).pathname.startsWith('/a%20b/')).toBe(true);
    const response = await fetchUrl(url);
    expect(response.status).toBe(200);
    expect((await sharp(response.body).metadata()).width).toBe(64);
  });

  it('getObject: path style with the signature in the Authorization header', async () => {
    const response = await client.getObject(BUCKET, 'a b/ü (1).jpg');
    expect(Buffer.from(response.body as Uint8Array).equals(PHOTO)).toBe(true);
  });

  it('another bucket, path style /v1/<bucket>/<key>: 404 NoSuchBucket', async () => {
    const other = client.generatePresignedUrl('other-bucket', 'photo.jpg', null, 1800);
    expect(new URL(other).pathname).toBe('/v1/other-bucket/photo.jpg');
    expect(await codeOf(new URL(other).pathname + new URL(other).search)).toBe('404 NoSuchBucket');
    expect(await codeOf('/v1/other-bucket/photo.jpg')).toBe('404 NoSuchBucket');
    // The SDK's API calls name the bucket without /v1; another bucket's name is then a key prefix.
    expect(await sdkError(() => client.getObject('other-bucket', 'photo.jpg'))).toBe(
      '404 NoSuchKey',
    );
  });

  it('a wrong, unknown-key, malformed or expired credential is 403 before any storage read', async () => {
    const url = new URL(client.generatePresignedUrl(BUCKET, 'missing.jpg', null, 1800));
    const credential = url.searchParams.get('authorization') ?? '';
    const withCredential = (value: string) => {
      const copy = new URL(url);
      copy.searchParams.set('authorization', value);
      return `${copy.pathname}${copy.search}`;
    };
    // Signed right, the missing key is a 404; every bad credential stops before that read.
    expect(await codeOf(`${url.pathname}${url.search}`)).toBe('404 NoSuchKey');
    const flipped = credential.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(await codeOf(withCredential(flipped))).toBe('403 SignatureDoesNotMatch');
    const stranger = bosClient({ endpoint: worker.url.origin, credentials: { ak: 'x', sk: 'y' } });
    expect(
      await codeOf(
        new URL(stranger.generatePresignedUrl(BUCKET, 'photo.jpg')).search.replace(
          /^/,
          '/v1/bos-images/photo.jpg',
        ),
      ),
    ).toBe('403 SignatureDoesNotMatch');
    expect(await codeOf(withCredential('bce-auth-v1/reader/yesterday/1800//abc'))).toBe(
      '403 SignatureDoesNotMatch',
    );
    const old = Math.floor(Date.now() / 1000) - 3600;
    const expired = client.generatePresignedUrl(BUCKET, 'photo.jpg', old, 1800);
    expect(await codeOf(new URL(expired).pathname + new URL(expired).search)).toBe(
      '403 RequestExpired',
    );
    // Tampering with the command breaks the signature too.
    const signed = new URL(
      client.generatePresignedUrl(BUCKET, 'photo.jpg', null, 1800, null, {
        'x-bce-process': 'image/resize,w_100',
      }),
    );
    signed.searchParams.set('x-bce-process', 'image/resize,w_2000');
    expect(await codeOf(signed.pathname + signed.search)).toBe('403 SignatureDoesNotMatch');
  });

  it('a header signature computed by the SDK’s own signer is accepted; the key and path matter', async () => {
    const auth = bosAuth('reader', KEYS.reader);
    const host = worker.url.host;
    const header = auth.generateAuthorization('GET', '/photo.jpg', {}, { host });
    expect(await codeOf('/photo.jpg', { authorization: header })).toBe('200');
    expect(await codeOf('/open/photo.jpg', { authorization: header })).toBe(
      '403 SignatureDoesNotMatch',
    );
  });

  it('the signature never enters the cache key or the ETag', async () => {
    const unsigned = await worker.process('photo.jpg', 'image/resize,w_77');
    const signed = await fetchUrl(
      client.generatePresignedUrl(BUCKET, 'photo.jpg', null, 1800, null, {
        'x-bce-process': 'image/resize,w_77',
      }),
    );
    expect(signed.headers.get('etag')).toBe(unsigned.headers.get('etag'));
    expect(signed.body.equals(unsigned.body)).toBe(true);
  });
});

describe('original-image protection (§5.1, §5.2)', () => {
  const rules = { resource: [`${BUCKET}/protected/*`, `${BUCKET}/*.gif`] };
  const put = (client_: BosClient, body: string) =>
    client_.sendRequest('PUT', { bucketName: BUCKET, params: { copyrightProtection: '' }, body });
  const get = (client_: BosClient) =>
    client_.sendRequest('GET', { bucketName: BUCKET, params: { copyrightProtection: '' } });
  const remove = (client_: BosClient) =>
    client_.sendRequest('DELETE', { bucketName: BUCKET, params: { copyrightProtection: '' } });

  it('the management API: admin only, validation, round trip, 404 when unset, 204 on delete', async () => {
    expect(await sdkError(() => get(admin))).toBe('404');
    expect(await sdkError(() => put(client, JSON.stringify(rules)))).toBe('403 AccessDenied');
    expect(await codeOf('/?copyrightProtection')).toBe('403 AccessDenied');
    expect(await sdkError(() => put(admin, '{"resource": ['))).toBe('400 MalformedJSON');
    expect(await sdkError(() => put(admin, '{"resource": []}'))).toBe('400 InvalidArgument');
    expect(await sdkError(() => put(admin, '{"resource": ["other/*"]}'))).toBe(
      '400 InvalidArgument',
    );
    expect(await sdkError(() => put(admin, '{"resource": [1]}'))).toBe('400 InvalidArgument');
    await put(admin, JSON.stringify(rules));
    expect((await get(admin)).body).toEqual(rules);
    await remove(admin);
    expect(await sdkError(() => get(admin))).toBe('404');
    expect(await sdkError(() => remove(admin))).toBe('ok');
  });

  it('a protected object: unsigned original, inline, V1 and ?exif are 403; styles and signatures are served', async () => {
    await put(admin, JSON.stringify(rules));
    try {
      expect(await codeOf('/protected/photo.jpg')).toBe('403 AccessDenied');
      expect(await codeOf('/protected/photo.jpg?x-bce-process=image/resize,w_100')).toBe(
        '403 AccessDenied',
      );
      expect(await codeOf('/protected/photo.jpg@w_100')).toBe('403 AccessDenied');
      expect(await codeOf('/protected/photo.jpg?exif')).toBe('403 AccessDenied');
      expect(await codeOf('/protected/photo.jpg?x-bce-process=image/info')).toBe(
        '403 AccessDenied',
      );
      // Patterns are anchored on <bucket>/<key>.
      expect(await codeOf('/open/photo.jpg')).toBe('200');
      expect(await codeOf('/open/protected/photo.jpg')).toBe('404 NoSuchKey');
      const style = await fetchUrl(
        new URL('/protected/photo.jpg?x-bce-process=style/thumb', worker.url).href,
      );
      expect(style.status).toBe(200);
      expect(style.headers.get('cache-control')).toContain('public');
      expect(await codeOf('/protected/photo.jpg@!thumb')).toBe('200');
      const signed = await fetchUrl(
        client.generatePresignedUrl(BUCKET, 'protected/photo.jpg', null, 1800, null, {
          'x-bce-process': 'image/resize,w_100',
        }),
      );
      expect(signed.status).toBe(200);
      // Served only because of the signature: no shared cache may keep it.
      expect(signed.headers.get('cache-control')).toMatch(/^private/);
      expect(signed.headers.get('cache-control')).not.toContain('public');
      // And the Worker's own cache did not keep it for an unsigned request either.
      expect(await codeOf('/protected/photo.jpg?x-bce-process=image/resize,w_100')).toBe(
        '403 AccessDenied',
      );
      const original = await client.getObject(BUCKET, 'protected/photo.jpg');
      expect(Buffer.from(original.body as Uint8Array).equals(PHOTO)).toBe(true);
    } finally {
      await remove(admin);
    }
    expect(await codeOf('/protected/photo.jpg')).toBe('200');
  });

  it('path-style management URL is the same API', async () => {
    const auth = bosAuth('admin', KEYS.admin);
    const host = worker.url.host;
    const header = auth.generateAuthorization(
      'GET',
      `/v1/${BUCKET}/`,
      { copyrightProtection: '' },
      { host },
    );
    const unset = await fetchUrl(new URL(`/v1/${BUCKET}/?copyrightProtection`, worker.url).href, {
      authorization: header,
    });
    expect([unset.status, unset.body.length]).toEqual([404, 0]);
    const stranger = bosAuth('reader', KEYS.reader).generateAuthorization(
      'GET',
      `/v1/${BUCKET}/`,
      { copyrightProtection: '' },
      { host },
    );
    expect(await codeOf(`/v1/${BUCKET}/?copyrightProtection`, { authorization: stranger })).toBe(
      '403 AccessDenied',
    );
  });
});

describe('a private bucket (PRIVATE_BUCKET)', () => {
  let closed: TestWorker;
  beforeAll(async () => {
    closed = await startWorker({ ACCESS_KEYS: JSON.stringify(KEYS), PRIVATE_BUCKET: 'true' });
    await closed.put('photo.jpg', PHOTO, 'image/jpeg');
    await closed.kv.put('style:thumb', 'resize,w_100');
  });
  afterAll(() => closed.dispose());

  it('every request needs a signature, styles included; signed answers are private', async () => {
    expect(await closed.errorCode('photo.jpg', 'image/resize,w_10')).toBe('403 AccessDenied');
    expect(await closed.errorCode('photo.jpg', 'style/thumb')).toBe('403 AccessDenied');
    expect((await closed.get('/photo.jpg')).status).toBe(403);
    const reader = bosClient({
      endpoint: closed.url.origin,
      credentials: { ak: 'reader', sk: KEYS.reader },
    });
    const signed = await fetchUrl(reader.generatePresignedUrl(BUCKET, 'photo.jpg', null, 60));
    expect(signed.status).toBe(200);
    expect(signed.headers.get('cache-control')).toMatch(/^private/);
  });
});
