import { BosError, missingParameter } from '../errors';
import type { Rect, Size } from '../image';
import { defineAction } from './define';
import { int, type Args } from './params';
import { cuttingAction } from './cut';

const params = { x: int(1, 9999), y: int(1, 9999), i: int(0, 65536, 0) } as const;

/**
 * PROTOCOL.md §3.3: tiles of width x side by side (or height y stacked), the tile size clamped
 * to the image; tile i, the last one holding the remainder; an index past the end keeps the input.
 */
export function tileRect(input: Size, args: Args<typeof params>): Rect {
  const whole = { x: 0, y: 0, width: input.width, height: input.height };
  const across = args.x !== undefined;
  const side = across ? input.width : input.height;
  const tile = Math.min((across ? args.x : args.y) ?? side, side);
  if (args.i >= Math.ceil(side / tile)) return whole;
  const start = args.i * tile;
  const length = Math.min(start + tile, side) - start;
  return across ? { ...whole, x: start, width: length } : { ...whole, y: start, height: length };
}

export const indexcrop = defineAction({
  name: 'indexcrop',
  stage: 'pixels',
  params,
  check(args) {
    if (args.x === undefined && args.y === undefined) {
      throw missingParameter('x', 'indexcrop');
    }
    if (args.x !== undefined && args.y !== undefined) {
      throw new BosError('InvalidArgument', 'parameters x and y of action indexcrop are exclusive');
    }
  },
  ...cuttingAction(tileRect),
});
