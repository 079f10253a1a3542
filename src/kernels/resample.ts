import { BosError } from '../errors';
import { mapFrames, type RasterImage, type Size } from '../image';
import { feedStrips } from './strips';
import { kernels } from './wasm-kernels';

const outOfMemory = () => new BosError('ImageTooLarge', 'Not enough memory to resample the image.');

/**
 * High-quality resampling: our SIMD Lanczos-3 (wasm/kernels/resample.c), with a box pass first for large
 * reductions as libvips does. The source goes in by strips of rows, so it is never copied into
 * the module whole. Transparent frames are resampled premultiplied, so clear pixels do not bleed
 * their colour into the edges. Gamma-linear resampling is off, as in sharp's default.
 */
export function resample(image: RasterImage, size: Size): RasterImage {
  if (size.width === image.width && size.height === image.height) return image;
  const module = kernels();
  return mapFrames(image, size, (data) => {
    try {
      const strip = module.resample_begin(
        image.width,
        image.height,
        size.width,
        size.height,
        image.hasAlpha ? 1 : 0,
      );
      if (strip === 0) throw outOfMemory();
      feedStrips(data, image, {
        heap: () => new Uint8Array(module.memory.buffer),
        strip,
        stripRows: module.resample_strip_rows(),
        push: (rows) => (module.resample_push(rows), true),
      });
      const output = module.resample_finish();
      if (output === 0) throw outOfMemory();
      return new Uint8Array(module.memory.buffer, output, size.width * size.height * 4).slice();
    } finally {
      module.resample_release();
    }
  });
}
