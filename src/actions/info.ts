import { defineAction } from './define';

/** `image/info`: answered with the JSON document of handlers/info.ts; must stand alone. */
export const info = defineAction({
  name: 'info',
  stage: 'info',
  params: {},
});
