import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const blur = defineAction({
  name: 'blur',
  stage: 'pixels',
  params: { r: int(1, 50), s: int(1, 50) },
  check(args) {
    if (args.r === undefined) throw missingParameter('r', 'blur');
    if (args.s === undefined) throw missingParameter('s', 'blur');
  },
});
