import { mapFrames } from '../image';
import { grayscaleInPlace } from '../kernels/effects';
import { defineAction } from './define';
import { int } from './params';

export const grayscale = defineAction({
  name: 'grayscale',
  stage: 'pixels',
  params: { g: int(0, 1, 1) },
  apply: async (image, args) =>
    args.g === 0 ? image : mapFrames(image, image, (data) => (grayscaleInPlace(data), data)),
});
