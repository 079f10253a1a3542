import { describe, expect, it } from 'vitest';
import { compilePattern, parseRules } from '../../src/access/protection';
import { constantTimeEqual } from '../../src/access/signature';
import {
  bceEncode,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  parseCredential,
} from '../../src/request/credential';
import { readTarget } from '../../src/request/query';
import { translateV1 } from '../../src/request/v1';
import { codeOf } from '../helpers/errors';

describe('V1 `@` translation (§6)', () => {
  it.each([
    [
      'w_250,h_380,q_90|wm_2,t_5rC05Y2w,g_9',
      'image/resize,m_lfit,w_250,h_380,limit_1/quality,Q_90/watermark,text_5rC05Y2w,g_9',
    ],
    ['h_100,s_2,l_1', 'image/resize,m_fill,h_100,limit_0'],
    ['c_1,w_100,h_50', 'image/crop,x_0,y_0,w_100,h_50'],
    [
      'c_1,x_10,y_20,w_100,h_50,a_90,o_2,f_webp,d_baseline',
      'image/crop,x_10,y_20,w_100,h_50/rotate,a_90/auto-orient,o_1/format,f_webp/interlace,i_baseline',
    ],
    [
      'wm_1,k_bG9nby5wbmc,g_5,x_0,y_0,o_50,a_30',
      'image/watermark,image_bG9nby5wbmc,g_5,x_0,y_0,a_30,t_50',
    ],
    ['w_100|wm_0', 'image/resize,m_lfit,w_100,limit_1'],
    ['!thumb', 'style/thumb'],
    // Found by the property test: numbers are compared as numbers, not text.
    ['w_100|wm_00', 'image/resize,m_lfit,w_100,limit_1'],
    ['c_01,w_100,h_50,o_00', 'image/crop,x_0,y_0,w_100,h_50/auto-orient,o_0'],
    ['w_0100,l_01', 'image/resize,m_lfit,w_100,limit_0'],
  ])('@%s → %s', (v1, v2) => {
    expect(translateV1(v1)).toBe(v2);
  });

  it.each([
    ['', 'InvalidArgument'],
    ['w_1|w_1|w_1|w_1|w_1', 'InvalidArgument'],
    ['w_4097', 'InvalidArgument'],
    ['w_100,w_100', 'InvalidArgument'],
    ['f_tiff', 'InvalidArgument'],
    ['wm_2,type_abc,t_YQ', 'InvalidArgument'],
    ['wm_1,g_1', 'MissingArgument'],
    ['wm_2,k_YQ,t_YQ', 'InvalidArgument'],
    [`wm_2,t_${'a'.repeat(81)}`, 'InvalidArgument'],
    ['l_1', 'InvalidArgument'],
    // Found by the property test: a `/` in text or a key would start another V2 action.
    ['wm_2,t_IA/', 'InvalidArgument'],
    ['wm_2,t_SGVsbG8/grayscale', 'InvalidArgument'],
    ['wm_1,k_bG9nby5wbmc/rotate,a_90', 'InvalidArgument'],
  ])('@%s is refused with %s', (v1, code) => {
    expect(codeOf(() => translateV1(v1))).toBe(code);
  });

  it('the key is what precedes the first @, after percent-decoding; V2 queries win', () => {
    const target = readTarget(new URL('http://x/a%7Cb.jpg@w_100'), 'bucket');
    expect(target.key).toBe('a|b.jpg');
    expect(readTarget(new URL('http://x/a@2x.png?x-bce-process=image/resize,w_1'), 'b').key).toBe(
      'a@2x.png',
    );
  });

  it('path style: /v1/<bucket>/<key> and /<bucket>/<key> name the bucket', () => {
    expect(readTarget(new URL('http://x/v1/other/k.jpg'), 'mine')).toMatchObject({
      bucket: 'other',
      key: 'k.jpg',
    });
    expect(readTarget(new URL('http://x/mine/k.jpg'), 'mine')).toMatchObject({
      bucket: 'mine',
      key: 'k.jpg',
    });
    expect(readTarget(new URL('http://x/other/k.jpg'), 'mine')).toMatchObject({
      bucket: undefined,
      key: 'other/k.jpg',
    });
  });
});

describe('the canonical request of bce-auth-v1 (§5.3)', () => {
  it('enc keeps only A–Z a–z 0–9 - . _ ~', () => {
    expect(bceEncode("a b/ü*(1)!'~._-")).toBe('a%20b%2F%C3%BC%2A%281%29%21%27~._-');
    expect(canonicalUri('/v1/b/a b/ü.jpg')).toBe('/v1/b/a%20b/%C3%BC.jpg');
  });

  it('the query: every parameter but authorization, encoded and sorted; valueless as k=', () => {
    expect(
      canonicalQuery([
        ['x-bce-process', 'image/resize,w_1'],
        ['authorization', 'ignored'],
        ['exif', undefined],
        ['A', 'b c'],
      ]),
    ).toBe('A=b%20c&exif=&x-bce-process=image%2Fresize%2Cw_1');
  });

  it('headers: the named ones, or host, content-* and x-bce-* when none is named', () => {
    const headers = new Headers({
      Host: 'img.example.com',
      'X-Bce-Date': '2026-12-02T00:00:00Z',
      'Content-Type': ' image/jpeg ',
      Accept: '*/*',
    });
    expect(canonicalHeaders(headers, [])).toBe(
      'content-type:image%2Fjpeg\nhost:img.example.com\nx-bce-date:2026-12-02T00%3A00%3A00Z',
    );
    expect(canonicalHeaders(headers, ['host'])).toBe('host:img.example.com');
    expect(codeOf(() => canonicalHeaders(headers, ['content-md5']))).toBe('SignatureDoesNotMatch');
  });

  it('credentials are parsed strictly', () => {
    const valid = `bce-auth-v1/ak/2026-12-02T01:02:03Z/1800/host;x-bce-date/${'a'.repeat(64)}`;
    expect(parseCredential(valid)).toMatchObject({
      accessKeyId: 'ak',
      expiresInSeconds: 1800,
      signedHeaders: ['host', 'x-bce-date'],
      signedAt: Date.UTC(2026, 11, 2, 1, 2, 3),
    });
    for (const bad of [
      'bce-auth-v2/ak/2026-12-02T01:02:03Z/1800/host/' + 'a'.repeat(64),
      'bce-auth-v1/ak/2026-12-02 01:02:03/1800/host/' + 'a'.repeat(64),
      'bce-auth-v1/ak/2026-12-02T01:02:03Z/-5/host/' + 'a'.repeat(64),
      'bce-auth-v1/ak/2026-12-02T01:02:03Z/1800/host/xyz',
      'bce-auth-v1//2026-12-02T01:02:03Z/1800/host/' + 'a'.repeat(64),
    ]) {
      expect(codeOf(() => parseCredential(bad))).toBe('SignatureDoesNotMatch');
    }
  });

  it('signatures are compared in constant time, whole', () => {
    expect(constantTimeEqual('abcd', 'abcd')).toBe(true);
    expect(constantTimeEqual('abcd', 'abce')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
  });
});

describe('protection patterns (§5.1)', () => {
  it.each([
    ['b/*', 'b/x.jpg', true],
    ['b/*', 'b/deep/x.jpg', true],
    ['b/photos/*', 'b/photos/a/x.jpg', true],
    ['b/photos/*', 'b/other/photos/x.jpg', false],
    ['b/*.jpg', 'b/a/x.jpg', true],
    ['b/*.jpg', 'b/x.jpeg', false],
    ['b/*/suffix', 'b/a/b/suffix', true],
    ['b/x.jpg', 'b/x.jpg', true],
    ['b/x.jpg', 'b/x.jpgs', false],
    ['b/a+b(1).jpg', 'b/a+b(1).jpg', true],
    ['b/a+b(1).jpg', 'b/aab(1).jpg', false],
  ])('%s matches %s: %s', (pattern, resource, matches) => {
    expect(compilePattern(pattern).test(resource)).toBe(matches);
  });

  it('rules are validated: JSON, a non-empty list, strings starting with the bucket', () => {
    expect(parseRules('{"resource":["b/*"]}', 'b')).toEqual({ resource: ['b/*'] });
    expect(codeOf(() => parseRules('{', 'b'))).toBe('MalformedJSON');
    expect(codeOf(() => parseRules('[]', 'b'))).toBe('InvalidArgument');
    expect(codeOf(() => parseRules('{"resource":"b/*"}', 'b'))).toBe('InvalidArgument');
    expect(codeOf(() => parseRules('{"resource":["c/*"]}', 'b'))).toBe('InvalidArgument');
    expect(codeOf(() => parseRules('{"resource":["bb/*"]}', 'b'))).toBe('InvalidArgument');
  });
});

describe('watermark font names (§3.18 "Fonts")', () => {
  it.each([
    [undefined, 'serif'],
    ['SimSun', 'serif'],
    ['FangSong', 'serif'],
    ['FZShuSongZ01S', 'serif'],
    ['Times', 'serif'],
    ['NoSuchFont', 'serif'],
    ['KaiTi', 'kai'],
    ['fzkai', 'kai'],
    ['FZDaWeiTiSRGB', 'kai'],
    ['Courier', 'mono'],
    ['MicrosoftYaHei', 'sans'],
    ['simhei', 'sans'],
    ['FZLanTingHei', 'sans'],
    ['FZLanTingHeiSMGB', 'sans'],
    ['fzpangwa', 'sans'],
    ['FZKaTongM19S', 'sans'],
  ])('%s → %s', async (name, face) => {
    const { faceFor } = await import('../../src/actions/fonts');
    expect(faceFor(name)).toBe(face);
  });
});
