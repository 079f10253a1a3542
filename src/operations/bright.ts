import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const bright = defineAction({
  name: 'bright',
  stage: 'pixels',
  params: { b: int(-100, 100) },
  check(args) {
    if (args.b === undefined) throw missingParameter('b', 'bright');
  },
});
