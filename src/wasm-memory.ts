/**
 * Each instantiated wasm module's linear memory, by name. Wasm memory only grows, so its current
 * size is its high-water mark: the benchmark reports these, and the memory budget will read them.
 */
const memories = new Map<string, WebAssembly.Memory>();

export function wasmMemoryBytes(): Record<string, number> {
  return Object.fromEntries(
    [...memories].map(([name, memory]) => [name, memory.buffer.byteLength]),
  );
}

/** Records the instance's exported memory (emscripten and wasm-bindgen both export exactly one). */
export function trackMemory(name: string, exports: WebAssembly.Exports): void {
  const memory = Object.values(exports).find((value) => value instanceof WebAssembly.Memory);
  if (memory) memories.set(name, memory);
}
