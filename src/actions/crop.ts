import { BosError, messages } from '../errors';
import type { Rect, Size } from '../image';
import { defineAction } from './define';
import { int, oneOf, type Args } from './params';
import { cuttingAction } from './cut';

const GRAVITIES = ['nw', 'north', 'ne', 'west', 'center', 'east', 'sw', 'south', 'se'] as const;

/** Gravity → (column, row) of the origin cell: 0 left/top, 1 centre, 2 right/bottom. */
const GRAVITY_CELLS: Record<(typeof GRAVITIES)[number], readonly [number, number]> = {
  nw: [0, 0],
  north: [1, 0],
  ne: [2, 0],
  west: [0, 1],
  center: [1, 1],
  east: [2, 1],
  sw: [0, 2],
  south: [1, 2],
  se: [2, 2],
};
const params = {
  x: int(0, 30000, 0),
  y: int(0, 30000, 0),
  w: int(1, 9999),
  h: int(1, 9999),
  g: oneOf(GRAVITIES, 'nw'),
} as const;

/**
 * PROTOCOL.md §3.2: the gravity origin from the requested size (floor division, negative parts
 * 0), plus (x, y); a start outside the image is a 400; the far edges clamp to the image.
 */
export function cropRect(input: Size, args: Args<typeof params>): Rect {
  const { width: W, height: H } = input;
  const w = args.w ?? W;
  const h = args.h ?? H;
  const [column, row] = GRAVITY_CELLS[args.g];
  const origin = (cell: number, side: number, size: number) =>
    Math.max(
      0,
      cell === 0 ? 0 : cell === 2 ? side - size : Math.floor(side / 2) - Math.floor(size / 2),
    );
  const x = origin(column, W, w) + args.x;
  const y = origin(row, H, h) + args.y;
  if (x >= W || y >= H) {
    // The protocol's wording (§2.2); where the cut started is in the log.
    console.warn(`crop starts at (${x}, ${y}), outside the ${W}×${H} image`);
    throw new BosError('InvalidArgument', messages.cropOutside());
  }
  return { x, y, width: Math.min(x + w, W) - x, height: Math.min(y + h, H) - y };
}

export const crop = defineAction({
  name: 'crop',
  stage: 'pixels',
  params,
  // crop then resize decodes only the region, reduced to what the resize needs.
  ...cuttingAction(cropRect),
});
