import { defineAction } from './define';
import { int, required } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const contrast = defineAction({
  name: 'contrast',
  stage: 'pixels',
  params: { c: required(int(-100, 100)) },
});
