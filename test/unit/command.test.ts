import { describe, expect, it } from 'vitest';
import { assertImplemented, validateCommand, type ValidatedCommand } from '../../src/plan/validate';
import { parseCommand } from '../../src/request/grammar';
import { readProcessRequest } from '../../src/request/query';

/** Parses and validates `x-bce-process=<value>` as the Worker does before touching storage. */
function plan(value: string): ValidatedCommand {
  const parsed = parseCommand(value);
  if (parsed.kind !== 'image') throw new Error('style');
  return validateCommand(parsed.actions);
}
const code = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'ok';
};

describe('query string (PROTOCOL.md §1.1–1.2)', () => {
  it('keeps + (not a space) and decodes once', () => {
    expect(readProcessRequest('?x-bce-process=image/watermark,text_a%2Bb+c')).toEqual({
      kind: 'command',
      value: 'image/watermark,text_a+b+c',
    });
  });
  it('ignores other parameters and answers plain without x-bce-process', () => {
    expect(readProcessRequest('?v=3&utm=x')).toEqual({ kind: 'plain' });
    expect(readProcessRequest('')).toEqual({ kind: 'plain' });
  });
  it('refuses x-bce-process twice, and exif with x-bce-process', () => {
    expect(
      code(() =>
        readProcessRequest('?x-bce-process=image/resize,w_1&x-bce-process=image/resize,w_2'),
      ),
    ).toBe('InvalidArgument');
    expect(code(() => readProcessRequest('?exif&x-bce-process=image/resize,w_1'))).toBe(
      'InvalidArgument',
    );
    expect(readProcessRequest('?exif')).toEqual({ kind: 'info' });
  });
  it('refuses broken percent-encoding', () => {
    expect(code(() => readProcessRequest('?x-bce-process=image/resize,w_%ZZ'))).toBe(
      'InvalidArgument',
    );
  });
});

describe('grammar and validation (§1.2, §8)', () => {
  it.each([
    ['image/resize', 'MissingArgument'], // #10
    ['image/resize,w_10000', 'InvalidArgument'], // #11
    ['image/resize,z_1', 'InvalidArgument'],
    ['image/foo', 'InvalidArgument'],
    ['image/resize,w_100,w_200', 'InvalidArgument'], // #12
    [`image/${'resize,w_10/'.repeat(17)}`, 'InvalidArgument'],
    ['image/resize,m_pad,w_500,h_300,radius_20', 'MissingArgument'], // #9
    ['image/resize,w_1.5', 'InvalidArgument'],
    ['image/resize,w_+5', 'InvalidArgument'],
    ['image/resize,w_', 'InvalidArgument'],
    ['image/resize,w100', 'InvalidArgument'],
    ['image/resize,m_stretch,w_10', 'InvalidArgument'],
    ['image/resize,p_0', 'InvalidArgument'],
    ['image/resize,p_1001', 'InvalidArgument'],
    ['image/resize,w_10,color_GG0000', 'InvalidArgument'],
    ['image/resize,w_10,color_FFF', 'InvalidArgument'],
    ['image/Resize,w_10', 'InvalidArgument'],
    ['image/', 'InvalidArgument'],
    ['image//', 'InvalidArgument'],
    ['images/resize,w_1', 'InvalidArgument'],
    ['image/bright,b_101', 'InvalidArgument'], // #25
    ['image/bright', 'MissingArgument'],
    ['image/sharpen,r_2', 'MissingArgument'], // #27
    ['image/sharpen,100', 'InvalidArgument'],
    ['image/blur,r_0,s_2', 'InvalidArgument'],
    ['image/grayscale,x_1', 'InvalidArgument'], // #28
    ['image/format,f_heic', 'InvalidArgument'], // #31
    ['image/format,png', 'InvalidArgument'],
    ['image/format,f_tiff', 'InvalidArgument'],
    ['image/format', 'MissingArgument'],
    ['image/quality', 'MissingArgument'],
    ['image/quality,q_0', 'InvalidArgument'],
    ['image/quality,q_101', 'InvalidArgument'],
    ['image/interlace,i_2', 'InvalidArgument'],
    ['image/resize,w_100/info', 'InvalidArgument'], // #34
    ['image/rotate,a_361', 'InvalidArgument'], // #22
    ['image/rotate,90,a_90', 'InvalidArgument'],
    ['image/auto-orient,o_2', 'InvalidArgument'],
    ['image/crop,x_1000,g_middle', 'InvalidArgument'],
    ['image/indexcrop,x_100,y_100', 'InvalidArgument'], // #18
    ['image/indexcrop,i_1', 'MissingArgument'],
    ['image/circle', 'MissingArgument'],
    ['image/watermark,g_9', 'MissingArgument'], // #40
    ['image/watermark,text_SGVsbG8,w_28', 'InvalidArgument'],
    ['image/watermark,text_SGVsbG8,color_GG0000', 'InvalidArgument'], // #37
    ['image/watermark,text_SGVsbG8,effect_glow', 'InvalidArgument'], // #44
    ['image/watermark,text_!!!', 'InvalidArgument'],
    [`image/watermark,text_${'QUFB'.repeat(51)}`, 'InvalidArgument'],
    ['image/watermark,text_SGVsbG8,voffset_1', 'InvalidArgument'],
    ['image/dehaze', 'InvalidArgument'], // #47
    ['image/contrast-enhance,x_1', 'InvalidArgument'],
    ['image/pxresize,w_1', 'InvalidArgument'],
  ])('%s → %s', (value, expected) => {
    expect(code(() => plan(value))).toBe(expected);
  });

  it('names the unsupported action in the message', () => {
    expect(() => plan('image/dehaze')).toThrow('action dehaze is not supported');
    expect(() => plan('image/resize,z_1')).toThrow('parameter z is not supported by action resize');
    expect(() => plan('image/resize,w_100,w_200')).toThrow(
      'parameter w is repeated in action resize',
    );
    expect(() => plan('image/format,f_heic')).toThrow('heic output is not supported');
  });

  it.each([
    'image/resize,w_100,h_100/',
    'image/resize,m_LFIT,w_100',
    'image/resize,p_26/',
    'image/format,f_JPEG',
    'image/format,f_auto/quality,q_75/interlace,i_1',
    'image/rotate,90',
    'image/bright,b_-5',
    'image/contrast,c_0',
    'image/grayscale',
    'image/grayscale,g_0',
    'image/crop,x_10,y_10,w_200,h_200',
    'image/watermark,text_QUnnlJ_miJA',
    'image/watermark,text_SGVsbG8,type_RlpMYW5UaW5nSGVpU01HQg==',
    'image/watermark,text_SGVsbG8,effect_softoutline,blr_2',
    'image/watermark,image_bG9nby5wbmc,text_SGVsbG8,order_1,interval_5',
    `image/${'resize,w_10/'.repeat(16)}`,
    'image/info',
  ])('accepts %s', (value) => {
    expect(code(() => plan(value))).toBe('ok');
  });

  it('canonical form keeps action order, sorts keys and makes defaults explicit', () => {
    expect(plan('image/resize,w_200,h_100/format,f_jpeg').canonical).toBe(
      'resize,align_50,color_FFFFFFFF,h_100,limit_1,m_lfit,w_200/format,f_jpg',
    );
    expect(plan('image/resize,h_100,w_200,m_LFIT/format,f_jpg').canonical).toBe(
      plan('image/resize,w_200,h_100/format,f_jpeg').canonical,
    );
  });

  it('encoder settings and auto-orient: the last occurrence wins', () => {
    const result = plan(
      'image/format,f_png/auto-orient,o_0/format,f_webp/quality,q_50/auto-orient,o_1',
    );
    expect(result.encoder.format).toBe('webp');
    expect(result.encoder.relativeQuality).toBe(50);
    expect(result.orient).toEqual({ apply: true });
    expect(plan('image/quality,q_50,Q_70').encoder).toMatchObject({
      absoluteQuality: 70,
      relativeQuality: undefined,
    });
  });

  it('every valid action is executed now (watermarks included): none answers NotImplemented', () => {
    expect(code(() => assertImplemented(plan('image/watermark,text_SGVsbG8')))).toBe('ok');
    expect(code(() => assertImplemented(plan('image/bright,b_10/sharpen,r_1,s_1')))).toBe('ok');
    expect(code(() => assertImplemented(plan('image/crop,w_10/rotate,a_30')))).toBe('ok');
    expect(code(() => assertImplemented(plan('image/info')))).toBe('ok');
    expect(
      code(() =>
        assertImplemented(
          plan(
            'image/resize,w_10/format,f_png/quality,Q_5/interlace,i_progressive/strip/auto-orient,o_1',
          ),
        ),
      ),
    ).toBe('ok');
  });

  it('styles: name checked, extra actions refused', () => {
    expect(parseCommand('style/h200')).toEqual({ kind: 'style', name: 'h200', rest: '' });
    expect(code(() => parseCommand('style/_a'))).toBe('InvalidArgument');
    expect(code(() => parseCommand('style/h200/resize,w_1'))).toBe('InvalidArgument');
  });
});

describe('declarations the planner and handler read', () => {
  const validate = (value: string) => {
    const parsed = parseCommand(value);
    if (parsed.kind !== 'image') throw new Error('style');
    return validateCommand(parsed.actions);
  };
  it('a watermark declares the object it reads (its key without pre-processing)', () => {
    const key = btoa('logos/mark.png?x-bce-process=image/resize,p_20')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(validate(`image/resize,w_100/watermark,image_${key}`).resources).toEqual([
      { kind: 'object', key: 'logos/mark.png', process: 'image/resize,p_20' },
    ]);
    expect(validate('image/resize,w_100').resources).toEqual([]);
  });
});
