import { defineAction } from './define';
import { int, oneOf } from './params';

export const GRAVITIES = ['nw', 'north', 'ne', 'west', 'center', 'east', 'sw', 'south', 'se'];

// Executed by the geometry issue; until then valid requests answer 501 NotImplemented.
export const crop = defineAction({
  name: 'crop',
  stage: 'pixels',
  params: {
    x: int(0, 30000, 0),
    y: int(0, 30000, 0),
    w: int(1, 9999),
    h: int(1, 9999),
    g: oneOf(GRAVITIES, 'nw'),
  },
});
