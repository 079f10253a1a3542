import pngEncFactory from '../../wasm/dist/png_enc.js';
import pngEncWasm from '../../wasm/dist/png_enc.wasm';
import { emscriptenModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import type { RowSource } from '../image';

/** Exports of our zlib-based PNG encoder (wasm/png/encoder.c): rows pushed in strips. */
interface PngEncoderExports {
  HEAPU8: Uint8Array;
  _png_enc_begin(width: number, height: number, hasAlpha: number, level: number): number;
  _png_enc_strip_rows(): number;
  _png_enc_push(rows: number): number;
  _png_enc_finish(): number;
  _png_enc_output(): number;
  _png_enc_size(): number;
  _png_enc_take(): void;
  _png_enc_release(): void;
}

export const pngEncoderModule = emscriptenModule<PngEncoderExports>(
  'png-enc',
  pngEncFactory,
  pngEncWasm,
);

/**
 * Encodes RGBA rows fed by strips as an 8-bit RGB PNG (RGBA with `hasAlpha`), never copying a
 * frame into the encoder whole. The chunks the encoder writes are taken out after
 * every strip, so its memory stays at the strip, two rows, zlib's state and one strip's output;
 * the file exists in JavaScript as those pieces and then once joined. Undefined as soon as the
 * file passes `maxBytes` (the rest is not encoded).
 */
export function encodePngRows(
  module: PngEncoderExports,
  rows: RowSource,
  options: { hasAlpha: boolean; level: number; maxBytes: number },
): Uint8Array | undefined {
  const pieces: Uint8Array[] = [];
  let total = 0;
  const take = () => {
    const length = module._png_enc_size();
    if (length === 0) return;
    const at = module._png_enc_output();
    pieces.push(module.HEAPU8.slice(at, at + length));
    module._png_enc_take();
    total += length;
  };
  try {
    const strip = module._png_enc_begin(
      rows.width,
      rows.height,
      options.hasAlpha ? 1 : 0,
      options.level,
    );
    if (strip === 0) throw new WasmOutOfMemory('png-enc');
    take();
    const fed = feedStrips(rows, {
      heap: () => module.HEAPU8,
      strip,
      stripRows: module._png_enc_strip_rows(),
      push: (rows) => {
        if (module._png_enc_push(rows) !== 0) throw new WasmOutOfMemory('png-enc');
        take();
        return total <= options.maxBytes;
      },
    });
    if (!fed) return undefined;
    if (module._png_enc_finish() !== 0) throw new WasmOutOfMemory('png-enc');
    take();
    if (total > options.maxBytes) return undefined;
    const png = new Uint8Array(total);
    let offset = 0;
    for (const piece of pieces.splice(0)) {
      png.set(piece, offset);
      offset += piece.length;
    }
    return png;
  } finally {
    module._png_enc_release();
  }
}
