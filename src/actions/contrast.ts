import { mapFrames } from '../image';
import { contrastTable, mapRgbInPlace } from '../kernels/effects';
import { defineAction } from './define';
import { int, required } from './params';

export const contrast = defineAction({
  name: 'contrast',
  stage: 'pixels',
  params: { c: required(int(-100, 100)) },
  apply: async (image, args) => {
    if (args.c === 0) return image;
    const table = contrastTable(args.c);
    return mapFrames(image, image, (data) => (mapRgbInPlace(data, table), data));
  },
});
