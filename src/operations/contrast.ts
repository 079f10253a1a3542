import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the effects issue; until then valid requests answer 501 NotImplemented.
export const contrast = defineAction({
  name: 'contrast',
  stage: 'pixels',
  params: { c: int(-100, 100) },
  check(args) {
    if (args.c === undefined) throw missingParameter('c', 'contrast');
  },
});
