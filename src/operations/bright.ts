import { defineAction } from './define';
import { int, required } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const bright = defineAction({
  name: 'bright',
  stage: 'pixels',
  params: { b: required(int(-100, 100)) },
});
