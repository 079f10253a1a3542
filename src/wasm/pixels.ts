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
