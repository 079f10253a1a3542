import { defineAction } from './define';
import { int, required } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const sharpen = defineAction({
  name: 'sharpen',
  stage: 'pixels',
  params: { r: required(int(1, 50)), s: required(int(1, 50)) },
});
