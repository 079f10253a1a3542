import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

/** `q` relative to the source JPEG's estimated quality, `Q` absolute and capped at it (§3.14). */
export const quality = defineAction({
  name: 'quality',
  stage: 'encoder',
  params: { q: int(1, 100), Q: int(1, 100) },
  check(args) {
    if (args.q === undefined && args.Q === undefined) throw missingParameter('q', 'quality');
  },
  encoder(request, args) {
    // A later quality action replaces an earlier one whole; Q wins over q within one action.
    request.relativeQuality = args.Q === undefined ? args.q : undefined;
    request.absoluteQuality = args.Q;
  },
});
