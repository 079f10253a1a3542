import { BosError, missingParameter } from '../errors';
import { defineAction } from './define';
import { int } from './params';

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const indexcrop = defineAction({
  name: 'indexcrop',
  stage: 'pixels',
  params: { x: int(1, 9999), y: int(1, 9999), i: int(0, 65536, 0) },
  check(args) {
    if (args.x === undefined && args.y === undefined) {
      throw missingParameter('x', 'indexcrop');
    }
    if (args.x !== undefined && args.y !== undefined) {
      throw new BosError('InvalidArgument', 'parameters x and y of action indexcrop are exclusive');
    }
  },
});
