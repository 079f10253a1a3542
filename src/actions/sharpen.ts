import { mapFrames } from '../image';
import { sharpenInPlace } from '../kernels/effects';
import { defineAction } from './define';
import { int, required } from './params';

export const sharpen = defineAction({
  name: 'sharpen',
  stage: 'pixels',
  params: { r: required(int(1, 50)), s: required(int(1, 50)) },
  apply: async (image, args) =>
    mapFrames(image, image, (data) => (sharpenInPlace(data, image, args.r, args.s), data)),
});
