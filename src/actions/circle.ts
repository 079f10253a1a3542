import { logicalSize, mapFrames, type Rect, type Size } from '../image';
import { circleMask } from '../kernels/mask';
import { defineAction } from './define';
import { int, required } from './params';
import { cutRect } from './cut';

/**
 * PROTOCOL.md §3.4: r clamped to floor((min(W, H) - 1) / 2); the (2r+1)² square centred on
 * (floor(W/2), floor(H/2)).
 */
export function circleSquare(input: Size, radius: number): Rect {
  const r = Math.min(radius, Math.floor((Math.min(input.width, input.height) - 1) / 2));
  const side = 2 * r + 1;
  return {
    x: Math.floor(input.width / 2) - r,
    y: Math.floor(input.height / 2) - r,
    width: side,
    height: side,
  };
}

export const circle = defineAction({
  name: 'circle',
  stage: 'pixels',
  params: { r: required(int(1, 4096)) },
  outputSize: (input, args) => {
    const { width, height } = circleSquare(input, args.r);
    return { width, height };
  },
  sourceNeeds: (input, args) => ({ scale: 1, region: circleSquare(input, args.r) }),
  addsAlpha: () => true,
  apply: async (image, args) => {
    const square = cutRect(image, circleSquare(logicalSize(image), args.r));
    // Outside the disc is transparent; jpg and bmp outputs flatten it onto white (§7.2).
    return mapFrames(square, square, (data) => circleMask(data, square), true);
  },
});
