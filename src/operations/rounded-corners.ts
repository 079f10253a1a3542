import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const roundedCorners = defineAction({
  name: 'rounded-corners',
  stage: 'pixels',
  params: { r: int(1, 4096) },
  check(args) {
    if (args.r === undefined) throw missingParameter('r', 'rounded-corners');
  },
});
