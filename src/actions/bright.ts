import { mapFrames } from '../image';
import { brightTable, mapRgbInPlace } from '../kernels/effects';
import { defineAction } from './define';
import { int, required } from './params';

export const bright = defineAction({
  name: 'bright',
  stage: 'pixels',
  params: { b: required(int(-100, 100)) },
  apply: async (image, args) => {
    if (args.b === 0) return image;
    const table = brightTable(args.b);
    return mapFrames(image, image, (data) => (mapRgbInPlace(data, table), data));
  },
});
