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

export function forgetMemory(name: string): void {
  memories.delete(name);
}

const releasers = new Map<string, () => void>();

/** A module that can be dropped and re-instantiated later registers how to drop it. */
export function onRelease(name: string, release: () => void): void {
  releasers.set(name, release);
}

/** Drops every releasable instance whose memory grew past `limitBytes` (called after a request). */
export function releaseLargeMemories(limitBytes: number): void {
  for (const [name, memory] of memories) {
    if (memory.buffer.byteLength > limitBytes) releasers.get(name)?.();
  }
}
