import type { LeaseScope, WasmModule } from './loader';

/** A decoded RGBA frame left in a decoder module's memory (lent to the request, not copied). */
export interface WasmPixels {
  width: number;
  height: number;
  /** A view into the module's memory: valid until `free()` or until the module runs again. */
  data: Uint8Array;
  free(): void;
}

/**
 * The RGBA frame a decoder wrote at `output` (its size from the decoder's result getters), lent
 * until `free` gives the buffer back.
 */
export function lentPixels(
  heap: Uint8Array,
  output: number,
  size: { width: number; height: number },
  free: () => void,
): WasmPixels {
  return { ...size, data: heap.subarray(output, output + size.width * size.height * 4), free };
}

/**
 * Decodes with `module` and hands the pixels over: with the request's scope they stay in the
 * module's memory until the request ends (a copy would cost another frame at the peak; the scope's
 * lease keeps other requests from decoding meanwhile), without one they are copied out at once.
 * Undefined when `decode` finds the data corrupt.
 */
export async function decodeLentOrCopied<T>(
  module: WasmModule<T>,
  scope: LeaseScope | undefined,
  decode: (instance: T) => WasmPixels | undefined,
): Promise<Omit<WasmPixels, 'free'> | undefined> {
  const lease = scope ? await scope.hold(module) : await module.lease();
  try {
    const pixels = decode(lease.instance);
    if (!pixels) return undefined;
    const { width, height, data, free } = pixels;
    if (scope) {
      lease.defer(free);
      return { width, height, data };
    }
    const copy = { width, height, data: data.slice() };
    free();
    return copy;
  } finally {
    if (!scope) lease.release();
  }
}
