import { describe, expect, it } from 'vitest';
import { resizeGeometry, resultSize, type ResizeArgs } from '../../src/actions/resize-geometry';

const args = (partial: Partial<ResizeArgs>): ResizeArgs => ({
  m: 'lfit',
  limit: 1,
  align: 50,
  ...partial,
});
const sizeOf = (width: number, height: number, partial: Partial<ResizeArgs>) =>
  resultSize({ width, height }, resizeGeometry({ width, height }, args(partial)));

describe('resize geometry: PROTOCOL.md §3.1 and §8 test vectors', () => {
  it.each([
    ['#1 lfit 500×300', 600, 400, { m: 'lfit', w: 500, h: 300 }, [450, 300]],
    ['#2 mfit 500×300', 600, 400, { m: 'mfit', w: 500, h: 300 }, [500, 333]],
    ['#3 lfit never enlarges', 600, 400, { m: 'lfit', w: 900, h: 800 }, [600, 400]],
    ['#4 w_1200 blocked', 600, 400, { w: 1200 }, [600, 400]],
    ['#4 w_1200 limit_0', 600, 400, { w: 1200, limit: 0 }, [1200, 800]],
    ['#4 p_200 blocked', 600, 400, { p: 200 }, [600, 400]],
    ['#5 fixed one side is square', 200, 100, { m: 'fixed', h: 100 }, [100, 100]],
    ['#5 lfit one side keeps aspect', 400, 300, { m: 'lfit', h: 100 }, [133, 100]],
    ['#6 fill one side is square', 600, 400, { m: 'fill', w: 100 }, [100, 100]],
    ['#6 pad canvas', 600, 400, { m: 'pad', w: 500, h: 500 }, [500, 500]],
    ['#7 fill align_0', 600, 400, { m: 'fill', w: 300, h: 300, align: 0 }, [300, 300]],
    ['#8 wp_50', 600, 400, { wp: 50 }, [300, 400]],
    ['#13 p_26', 600, 400, { p: 26 }, [156, 104]],
    ['mfit 900×800 limit_0', 600, 400, { m: 'mfit', w: 900, h: 800, limit: 0 }, [1200, 800]],
    ['l alone fits a square', 600, 400, { l: 300 }, [300, 200]],
    ['s alone sets the short side', 600, 400, { s: 200 }, [300, 200]],
    ['l+s follow the source axes', 400, 600, { l: 300, s: 100 }, [100, 150]],
    ['w/h win over p', 600, 400, { w: 300, p: 10 }, [300, 200]],
    ['hp alone keeps width', 600, 400, { hp: 50 }, [600, 200]],
    ['fixed stretches', 600, 400, { m: 'fixed', w: 100, h: 300 }, [100, 300]],
    ['fixed enlarging one side is blocked', 600, 400, { m: 'fixed', w: 700, h: 300 }, [600, 400]],
    ['tiny results round to at least 1', 1000, 10, { w: 10 }, [10, 1]],
  ] as const)('%s', (_name, width, height, partial, [w, h]) => {
    expect(sizeOf(width, height, partial as Partial<ResizeArgs>)).toEqual({ width: w, height: h });
  });

  it('fill crops the mfit image at align (row 16 for 500×300 from 600×400)', () => {
    const geometry = resizeGeometry(
      { width: 600, height: 400 },
      args({ m: 'fill', w: 500, h: 300 }),
    );
    expect(geometry).toMatchObject({
      kind: 'fill',
      scaled: { width: 500, height: 333 },
      offset: { x: 0, y: 16 },
    });
  });

  it('fill align_0 keeps the left part, align_100 the right', () => {
    const left = resizeGeometry(
      { width: 600, height: 400 },
      args({ m: 'fill', w: 300, h: 300, align: 0 }),
    );
    const right = resizeGeometry(
      { width: 600, height: 400 },
      args({ m: 'fill', w: 300, h: 300, align: 100 }),
    );
    expect(left).toMatchObject({ kind: 'fill', source: { x: 0, y: 0, width: 400, height: 400 } });
    expect(right).toMatchObject({
      kind: 'fill',
      source: { x: 200, y: 0, width: 400, height: 400 },
    });
  });

  it('pad centres lfit content (450×300 at x = 25 on 500×300)', () => {
    const geometry = resizeGeometry(
      { width: 600, height: 400 },
      args({ m: 'pad', w: 500, h: 300 }),
    );
    expect(geometry).toEqual({
      kind: 'pad',
      content: { width: 450, height: 300 },
      size: { width: 500, height: 300 },
      offset: { x: 25, y: 0 },
    });
  });

  it('pad whose canvas is larger than the source is not enlarging (#6)', () => {
    const geometry = resizeGeometry(
      { width: 600, height: 400 },
      args({ m: 'pad', w: 500, h: 500 }),
    );
    expect(geometry).toMatchObject({
      kind: 'pad',
      content: { width: 500, height: 333 },
      offset: { x: 0, y: 83 },
    });
  });

  it('no size key is MissingArgument (#10)', () => {
    expect(() => resizeGeometry({ width: 10, height: 10 }, args({}))).toThrow(
      expect.objectContaining({ code: 'MissingArgument' }),
    );
  });
});
