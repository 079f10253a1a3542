import { defineAction } from './define';

/** Outputs never carry EXIF/XMP (§7.3); `strip` also drops the ICC profile after conversion. */
export const strip = defineAction({
  name: 'strip',
  stage: 'encoder',
  params: {},
  encoder(request) {
    request.strip = true;
  },
});
