import { missingParameter } from '../errors';
import { defineAction } from './define';
import { oneOfAliased } from './params';

/** Progressive JPEG scans (and Adam7 PNG); ignored by other formats (§3.15). */
export const interlace = defineAction({
  name: 'interlace',
  stage: 'encoder',
  params: {
    i: oneOfAliased(['progressive', 'baseline'], { '1': 'progressive', '0': 'baseline' }),
  },
  check(args) {
    if (args.i === undefined) throw missingParameter('i', 'interlace');
  },
  encoder(request, args) {
    request.progressive = args.i === 'progressive';
  },
});
