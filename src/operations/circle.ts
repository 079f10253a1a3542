import { defineAction } from './define';
import { int, required } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const circle = defineAction({
  name: 'circle',
  stage: 'pixels',
  params: { r: required(int(1, 4096)) },
});
