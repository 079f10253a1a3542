import { BosError, messages } from '../errors';
import { FORMAT_NAMES, isOutputFormat } from '../formats/registry';
import { defineAction } from './define';
import { oneOfAliased, required } from './params';

/** Every format the registry knows (one it cannot write is refused by name), and `auto`. */
const CHOICES = [...FORMAT_NAMES, 'auto'] as const;

export const format = defineAction({
  name: 'format',
  stage: 'encoder',
  params: { f: required(oneOfAliased(CHOICES, { jpeg: 'jpg' })) },
  check(args) {
    if (args.f !== 'auto' && !isOutputFormat(args.f)) {
      throw new BosError('InvalidArgument', messages.unsupportedOutput(args.f));
    }
  },
  encoder(request, args) {
    const format = args.f;
    if (format === 'auto' || isOutputFormat(format)) request.format = format;
  },
});
