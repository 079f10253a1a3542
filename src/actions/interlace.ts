import { defineAction } from './define';
import { oneOfAliased, required } from './params';

/** Progressive JPEG scans (and Adam7 PNG); ignored by other formats (§3.15). */
export const interlace = defineAction({
  name: 'interlace',
  stage: 'encoder',
  params: {
    i: required(oneOfAliased(['progressive', 'baseline'], { '1': 'progressive', '0': 'baseline' })),
  },
  encoder(request, args) {
    request.progressive = args.i === 'progressive';
  },
});
