import { missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

/** Acts first wherever it stands (PROTOCOL.md §3.7): it only sets whether EXIF orientation applies. */
export const autoOrient = defineAction({
  name: 'auto-orient',
  stage: 'orient',
  params: { o: int(0, 1) },
  check(args) {
    if (args.o === undefined) throw missingParameter('o', 'auto-orient');
  },
  orient(request, args) {
    request.apply = args.o === 1;
  },
});
