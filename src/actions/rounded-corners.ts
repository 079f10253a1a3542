import { mapFrames } from '../image';
import { roundedCornerMask } from '../kernels/mask';
import { defineAction } from './define';
import { int, required } from './params';

export const roundedCorners = defineAction({
  name: 'rounded-corners',
  stage: 'pixels',
  params: { r: required(int(1, 4096)) },
  addsAlpha: () => true,
  // PROTOCOL.md §3.5: r clamped to half the shorter side; corners transparent (white for jpg, bmp).
  apply: async (image, args) => {
    const r = Math.min(args.r, Math.floor(Math.min(image.width, image.height) / 2));
    return mapFrames(image, image, (data) => roundedCornerMask(data, image, r), true);
  },
});
