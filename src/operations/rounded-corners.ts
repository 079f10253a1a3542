import { defineAction } from './define';
import { int, required } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const roundedCorners = defineAction({
  name: 'rounded-corners',
  stage: 'pixels',
  params: { r: required(int(1, 4096)) },
});
