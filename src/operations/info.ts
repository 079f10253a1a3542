import { defineAction } from './define';

// Answered by the metadata issue; until then `image/info` and `?exif` answer 501 NotImplemented.
export const info = defineAction({
  name: 'info',
  stage: 'info',
  params: {},
});
