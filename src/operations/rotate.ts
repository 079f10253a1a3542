import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const rotate = defineAction({
  name: 'rotate',
  stage: 'pixels',
  params: { a: int(-360, 360) },
  // `rotate,90` is an alias of `rotate,a_90` (PROTOCOL.md §3.6).
  bareKey: 'a',
  check(args) {
    if (args.a === undefined) throw missingParameter('a', 'rotate');
  },
});
