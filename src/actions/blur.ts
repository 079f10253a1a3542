import { mapFrames } from '../image';
import { blurInPlace } from '../kernels/effects';
import { defineAction } from './define';
import { int, required } from './params';

export const blur = defineAction({
  name: 'blur',
  stage: 'pixels',
  params: { r: required(int(1, 50)), s: required(int(1, 50)) },
  apply: async (image, args) =>
    mapFrames(image, image, (data) => (blurInPlace(data, image, args.r, args.s), data)),
});
