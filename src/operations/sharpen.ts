import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const sharpen = defineAction({
  name: 'sharpen',
  stage: 'pixels',
  params: { r: int(1, 50), s: int(1, 50) },
  check(args) {
    if (args.r === undefined) throw missingParameter('r', 'sharpen');
    if (args.s === undefined) throw missingParameter('s', 'sharpen');
  },
});
