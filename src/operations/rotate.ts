import { defineAction } from './define';
import { int, required } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const rotate = defineAction({
  name: 'rotate',
  stage: 'pixels',
  params: { a: required(int(-360, 360)) },
  // `rotate,90` is an alias of `rotate,a_90` (PROTOCOL.md §3.6).
  bareKey: 'a',
});
