import { BosError } from '../errors';
import type { Size } from '../image';
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
    const rowBytes = size.width * 4;
    const stripRows = module._jpeg_enc_strip_rows();
    for (let y = 0; y < size.height; y += stripRows) {
      const rows = Math.min(stripRows, size.height - y);
      // HEAPU8 is read afresh: a growing memory replaces it.
      module.HEAPU8.set(data.subarray(y * rowBytes, (y + rows) * rowBytes), strip);
      if (module._jpeg_enc_push(rows) !== 0) {
        throw new BosError('ImageTooLarge', 'Not enough memory to encode the JPEG.');
      }
    }
    const output = module._jpeg_enc_finish();
    if (output === 0) throw new BosError('ImageTooLarge', 'Not enough memory to encode the JPEG.');
    return module.HEAPU8.slice(output, output + module._jpeg_enc_size());
  } finally {
    module._jpeg_enc_release();
  }
}
