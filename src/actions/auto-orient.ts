import { defineAction } from './define';
import { int, required } from './params';

/** Acts first wherever it stands (PROTOCOL.md §3.7): it only sets whether EXIF orientation applies. */
export const autoOrient = defineAction({
  name: 'auto-orient',
  stage: 'orient',
  params: { o: required(int(0, 1)) },
  orient(request, args) {
    request.apply = args.o === 1;
  },
});
