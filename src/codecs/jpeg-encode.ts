import { BosError } from '../errors';
import type { Size } from '../image';
import { feedStrips } from '../kernels/strips';
import { jpegEncoder } from './wasm-codecs';

/**
 * libjpeg-turbo (wasm/jpeg/encoder.c), fed by strips of rows so the frame is never copied into
 * the encoder whole: its memory is the strip, the Huffman-optimisation coefficient buffer (~3
 * bytes a pixel) and the output. Returns a copy of the JPEG.
 */
export async function encodeJpeg(
  data: Uint8Array,
  size: Size,
  quality: number,
  progressive: boolean,
): Promise<Uint8Array> {
  const module = await jpegEncoder();
  try {
    const strip = module._jpeg_enc_begin(size.width, size.height, quality, progressive ? 1 : 0);
    if (strip === 0) throw new BosError('ImageTooLarge', 'Not enough memory to encode the JPEG.');
    const fed = feedStrips(data, size, {
      heap: () => module.HEAPU8,
      strip,
      stripRows: module._jpeg_enc_strip_rows(),
      push: (rows) => module._jpeg_enc_push(rows) === 0,
    });
    if (!fed) throw new BosError('ImageTooLarge', 'Not enough memory to encode the JPEG.');
    const output = module._jpeg_enc_finish();
    if (output === 0) throw new BosError('ImageTooLarge', 'Not enough memory to encode the JPEG.');
    return module.HEAPU8.slice(output, output + module._jpeg_enc_size());
  } finally {
    module._jpeg_enc_release();
  }
}
