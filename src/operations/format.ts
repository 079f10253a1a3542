import { BosError, messages } from '../errors';
import type { OutputFormat } from '../image';
import { defineAction } from './define';
import { oneOfAliased, required } from './params';

const FORMATS = ['jpg', 'png', 'webp', 'avif', 'gif', 'bmp', 'auto', 'heic'];

export const format = defineAction({
  name: 'format',
  stage: 'encoder',
  params: { f: required(oneOfAliased(FORMATS, { jpeg: 'jpg' })) },
  check(args) {
    if (args.f === 'heic') throw new BosError('InvalidArgument', messages.heicOutput());
  },
  encoder(request, args) {
    request.format = args.f as OutputFormat | 'auto';
  },
});
