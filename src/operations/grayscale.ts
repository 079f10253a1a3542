import { defineAction } from './define';
import { int } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const grayscale = defineAction({
  name: 'grayscale',
  stage: 'pixels',
  params: { g: int(0, 1, 1) },
});
