import { initSync, resize as wasmResize } from '@jsquash/resize/lib/resize/pkg/squoosh_resize.js';
import resizeWasm from '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm?module';
import { trackMemory } from '../wasm-memory';
import { mapFrames, type RasterImage, type Size } from '../image';

let ready = false;
/** Instantiated once per isolate, on the first request that resamples. */
const initOnce = () => {
  if (!ready) trackMemory('resize', initSync(resizeWasm) as unknown as WebAssembly.Exports);
  ready = true;
};

/** squoosh_resize's filter indices. */
const LANCZOS3 = 3;

/**
 * High-quality resampling (Lanczos-3). Transparent images are resampled premultiplied, so clear
 * pixels do not bleed their colour into the edges; we premultiply here in 8 bits because the
 * resampler's own premultiplied path works in floats and costs ~5× the memory. The input is
 * premultiplied in place and restored afterwards (opaque pixels exactly, translucent ones within
 * a level, fully clear ones keep alpha 0 but lose their invisible colour), which saves a
 * frame-sized copy at the request's peak. Gamma-linear resampling
 * is off, as in sharp's default.
 */
export async function resample(image: RasterImage, size: Size): Promise<RasterImage> {
  if (size.width === image.width && size.height === image.height) return image;
  initOnce();
  return mapFrames(image, size, (data) => {
    if (image.hasAlpha) premultiplyInPlace(data);
    const out = wasmResize(
      data,
      image.width,
      image.height,
      size.width,
      size.height,
      LANCZOS3,
      false,
      false,
    );
    const pixels = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (image.hasAlpha) {
      unpremultiplyInPlace(pixels);
      unpremultiplyInPlace(data);
    }
    return pixels;
  });
}

function premultiplyInPlace(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] as number;
    if (a === 255) continue;
    data[i] = ((data[i] as number) * a + 127) / 255;
    data[i + 1] = ((data[i + 1] as number) * a + 127) / 255;
    data[i + 2] = ((data[i + 2] as number) * a + 127) / 255;
  }
}

function unpremultiplyInPlace(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] as number;
    if (a === 0 || a === 255) continue;
    data[i] = Math.min(255, ((data[i] as number) * 255 + a / 2) / a);
    data[i + 1] = Math.min(255, ((data[i + 1] as number) * 255 + a / 2) / a);
    data[i + 2] = Math.min(255, ((data[i + 2] as number) * 255 + a / 2) / a);
  }
}
