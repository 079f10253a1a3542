import type { Size } from '../image';

/** The keys that place a watermark block (PROTOCOL.md §3.18). */
export interface PlacementArgs {
  g?: number | undefined;
  x?: number | undefined;
  y?: number | undefined;
  xp?: number | undefined;
  yp?: number | undefined;
}

/**
 * Where the block's top-left corner goes on the base: anchor cell `g` (1–9, row-major, default
 * 9), margins `x`/`y` (default 10, but 0 in the centre column and middle row, where they offset
 * from the centre), or `xp`/`yp` in % of the base, which override them.
 */
export function placeBlock(base: Size, block: Size, args: PlacementArgs): { x: number; y: number } {
  const g = args.g ?? 9;
  const column = (g - 1) % 3;
  const row = Math.floor((g - 1) / 3);
  const mx =
    args.xp !== undefined
      ? Math.round((base.width * args.xp) / 100)
      : (args.x ?? (column === 1 ? 0 : 10));
  const my =
    args.yp !== undefined
      ? Math.round((base.height * args.yp) / 100)
      : (args.y ?? (row === 1 ? 0 : 10));
  const along = (cell: number, outer: number, inner: number, margin: number) =>
    cell === 0
      ? margin
      : cell === 1
        ? Math.floor((outer - inner) / 2) + margin
        : outer - inner - margin;
  return {
    x: along(column, base.width, block.width, mx),
    y: along(row, base.height, block.height, my),
  };
}

/**
 * `layout_tile`: the placed block repeated in all directions with a gap of one block width and
 * height, as the top-left corners of every copy that touches the base.
 */
export function tilePositions(base: Size, block: Size, first: { x: number; y: number }) {
  const stepX = 2 * block.width;
  const stepY = 2 * block.height;
  const startX = first.x - Math.ceil((first.x + block.width) / stepX) * stepX;
  const startY = first.y - Math.ceil((first.y + block.height) / stepY) * stepY;
  const positions: Array<{ x: number; y: number }> = [];
  for (let y = startY; y < base.height; y += stepY) {
    if (y + block.height <= 0) continue;
    for (let x = startX; x < base.width; x += stepX) {
      if (x + block.width > 0) positions.push({ x, y });
    }
  }
  return positions;
}
