import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const circle = defineAction({
  name: 'circle',
  stage: 'pixels',
  params: { r: int(1, 4096) },
  check(args) {
    if (args.r === undefined) throw missingParameter('r', 'circle');
  },
});
