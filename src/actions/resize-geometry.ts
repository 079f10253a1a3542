import { missingParameter } from '../errors';
import { clampRect, type Rect, type Size } from '../image';

/** `round()` of PROTOCOL.md: half up, minimum 1. */
export const roundSide = (value: number): number => Math.max(1, Math.floor(value + 0.5));

export type ResizeMode = 'lfit' | 'mfit' | 'fill' | 'pad' | 'fixed';

export interface ResizeArgs {
  m: ResizeMode;
  w?: number | undefined;
  h?: number | undefined;
  l?: number | undefined;
  s?: number | undefined;
  p?: number | undefined;
  wp?: number | undefined;
  hp?: number | undefined;
  limit: number;
  align: number;
}

/** What a resize does to an image of a given size, decided without pixels. */
export type ResizeGeometry =
  /** `limit_1` blocked an enlargement: the image passes unchanged. */
  | { kind: 'unchanged' }
  /** Scale the whole image to `size` (lfit, mfit, fixed, percentages). */
  | { kind: 'scale'; size: Size }
  /** fill: take `source` from the input and scale it to `size` (the box). */
  | { kind: 'fill'; source: Rect; size: Size; scaled: Size; offset: { x: number; y: number } }
  /** pad: scale to `content`, place it at `offset` on a canvas of `size`. */
  | { kind: 'pad'; content: Size; size: Size; offset: { x: number; y: number } };

export const resultSize = (input: Size, geometry: ResizeGeometry): Size =>
  geometry.kind === 'unchanged' ? input : geometry.size;

type Target =
  | { kind: 'box'; mode: ResizeMode; width: number; height: number }
  | { kind: 'factor'; width: number; height: number; enlarges: boolean };

/** PROTOCOL.md §3.1 "Target, first match wins". */
function target(input: Size, args: ResizeArgs): Target {
  const { width: W, height: H } = input;
  if (args.w !== undefined || args.h !== undefined) {
    if (args.w !== undefined && args.h !== undefined) {
      return { kind: 'box', mode: args.m, width: args.w, height: args.h };
    }
    const side = (args.w ?? args.h) as number;
    if (args.m === 'lfit' || args.m === 'mfit') {
      // One side only keeps the aspect ratio: the other side is unconstrained.
      const k = args.w !== undefined ? side / W : side / H;
      return { kind: 'factor', width: W * k, height: H * k, enlarges: k > 1 };
    }
    return { kind: 'box', mode: args.m, width: side, height: side };
  }
  if (args.l !== undefined || args.s !== undefined) {
    if (args.l !== undefined && args.s !== undefined) {
      const landscape = W >= H;
      return {
        kind: 'box',
        mode: args.m,
        width: landscape ? args.l : args.s,
        height: landscape ? args.s : args.l,
      };
    }
    if (args.l !== undefined) return { kind: 'box', mode: 'lfit', width: args.l, height: args.l };
    const k = (args.s as number) / Math.min(W, H);
    return { kind: 'factor', width: W * k, height: H * k, enlarges: k > 1 };
  }
  if (args.p !== undefined) {
    return {
      kind: 'factor',
      width: (W * args.p) / 100,
      height: (H * args.p) / 100,
      enlarges: args.p > 100,
    };
  }
  if (args.wp !== undefined || args.hp !== undefined) {
    const wp = args.wp ?? 100;
    const hp = args.hp ?? 100;
    return {
      kind: 'factor',
      width: (W * wp) / 100,
      height: (H * hp) / 100,
      enlarges: wp > 100 || hp > 100,
    };
  }
  throw missingParameter('w', 'resize');
}

export function resizeGeometry(input: Size, args: ResizeArgs): ResizeGeometry {
  const { width: W, height: H } = input;
  const allowEnlarge = args.limit === 0;
  const t = target(input, args);
  if (t.kind === 'factor') {
    if (t.enlarges && !allowEnlarge) return { kind: 'unchanged' };
    return { kind: 'scale', size: { width: roundSide(t.width), height: roundSide(t.height) } };
  }
  const { width: bw, height: bh, mode } = t;
  if (mode === 'fixed') {
    if ((bw > W || bh > H) && !allowEnlarge) return { kind: 'unchanged' };
    return { kind: 'scale', size: { width: bw, height: bh } };
  }
  const k = mode === 'lfit' || mode === 'pad' ? Math.min(bw / W, bh / H) : Math.max(bw / W, bh / H);
  if (k > 1 && !allowEnlarge) return { kind: 'unchanged' };
  const scaled = { width: roundSide(W * k), height: roundSide(H * k) };
  if (mode === 'lfit' || mode === 'mfit') return { kind: 'scale', size: scaled };
  const box = { width: bw, height: bh };
  if (mode === 'pad') {
    return {
      kind: 'pad',
      content: scaled,
      size: box,
      offset: {
        x: Math.floor((bw - scaled.width) / 2),
        y: Math.floor((bh - scaled.height) / 2),
      },
    };
  }
  // fill: crop the box out of the mfit-scaled image at `align`. The same window is cut from the
  // source before scaling, so no oversized intermediate is ever built.
  const offset = {
    x: Math.floor(((scaled.width - bw) * args.align) / 100),
    y: Math.floor(((scaled.height - bh) * args.align) / 100),
  };
  const sx = W / scaled.width;
  const sy = H / scaled.height;
  const source = clampRect(
    {
      x: Math.round(offset.x * sx),
      y: Math.round(offset.y * sy),
      width: Math.max(1, Math.round(bw * sx)),
      height: Math.max(1, Math.round(bh * sy)),
    },
    input,
  );
  return { kind: 'fill', source, size: box, scaled, offset };
}
