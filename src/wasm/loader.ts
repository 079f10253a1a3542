/**
 * The one way the Worker loads and uses a WebAssembly module. Wrangler compiles every `.wasm`
 * import at deploy time (Workers refuse to compile wasm at run time), so only instantiation
 * happens here: at most once per isolate, on first use.
 *
 * Requests in one isolate run concurrently and interleave at every `await`. Pointers into a
 * module's memory stay valid only while nobody else runs it (another call may grow the memory,
 * which detaches every view of it, or reuse a freed block), so code that keeps pixels in a
 * module across an `await` holds a Lease on it; everything else runs in one synchronous stretch.
 * Wasm memory only grows: an instance that grew past RETAINED_BYTES is dropped when its last
 * user lets go, and instantiated afresh when next needed, so one large request does not pin its
 * high-water mark for the isolate's lifetime.
 */

/**
 * A module's memory may stay this large between requests; a larger one is dropped after use.
 * Dropping does not return the memory at once: workerd frees it only when V8 collects the
 * instance, and with little JS garbage that can take many requests (12 MP requests that each
 * dropped a 40–48 MiB instance grew workerd by ~120 MiB a second; Node collects them). So the
 * planner keeps optional memory (an encoder's faster path) under this size.
 */
export const RETAINED_BYTES = 32 * 1024 * 1024;

/**
 * The module could not get memory (an allocation returned 0, the memory could not grow, or the
 * runtime refused a buffer). Not the client's fault: the plan said the request fits, so the
 * pipeline logs the plan and answers 503 (see pipeline/render.ts).
 */
export class WasmOutOfMemory extends Error {
  constructor(readonly moduleName: string) {
    super(`${moduleName}: out of memory`);
    this.name = 'WasmOutOfMemory';
  }
}

/** Whether a thrown value means memory ran out (emscripten aborts, V8 allocation failures). */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof WasmOutOfMemory) return true;
  if (!(error instanceof Error)) return false;
  return /out of memory|OOM|enlarge memory|allocation failed|could not allocate/i.test(
    error.message,
  );
}

/** Exclusive use of an instance until `release()`; frees registered with `defer` run first. */
export interface Lease<T> {
  readonly instance: T;
  defer(free: () => void): void;
  release(): void;
}

const modules: WasmModule<unknown>[] = [];

/** Each instantiated module's current memory size, by name (the benchmark reports these). */
export function wasmMemoryBytes(): Record<string, number> {
  return Object.fromEntries(
    modules.flatMap((module) => {
      const bytes = module.memoryBytes();
      return bytes === undefined ? [] : [[module.name, bytes]];
    }),
  );
}

/**
 * Wasm memory the isolate holds outside any running request: what idle instances grew beyond
 * their first size, and instances dropped but not yet collected by V8 (their memory is resident
 * until then: a FinalizationRegistry says when). Requests reserve their predicted peak on top of
 * this (pipeline/admission.ts), so memory a past request left behind is not promised twice.
 */
export function heldWasmBytes(): number {
  let held = lingeringBytes;
  for (const module of modules) held += module.idleGrownBytes();
  return held;
}

let lingeringBytes = 0;
// Only counts: admitting waiters from here would resolve a request's promise outside any request
// (workerd cancels such a request); the next release rechecks them.
const collected =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((bytes) => (lingeringBytes -= bytes))
    : undefined;

/** What instantiating a module yields: the typed binding and the memory it lives in. */
export interface Instantiated<T> {
  instance: T;
  memory: WebAssembly.Memory;
}

export class WasmModule<T> {
  #created: Instantiated<T> | undefined;
  /** The instance's memory when it was created: its growth since is what a request left. */
  #initialBytes = 0;
  #pending: Promise<Instantiated<T>> | undefined;
  /** Resolves when the current holder (if any) releases; leases queue on it. */
  #queue: Promise<void> = Promise.resolve();
  #held = false;

  constructor(
    readonly name: string,
    private readonly instantiate: () => Promise<Instantiated<T>> | Instantiated<T>,
  ) {
    modules.push(this as WasmModule<unknown>);
  }

  memoryBytes(): number | undefined {
    return this.#created?.memory.buffer.byteLength;
  }

  /** What the instance grew beyond its first size while nobody uses it (0 while leased). */
  idleGrownBytes(): number {
    if (this.#held || !this.#created) return 0;
    return Math.max(0, this.#created.memory.buffer.byteLength - this.#initialBytes);
  }

  async #ready(): Promise<T> {
    if (this.#created) return this.#created.instance;
    this.#pending ??= Promise.resolve()
      .then(() => this.instantiate())
      .finally(() => (this.#pending = undefined));
    return this.#adopt(await this.#pending);
  }

  /** Waits for exclusive use of the instance. */
  async lease(): Promise<Lease<T>> {
    const previous = this.#queue;
    let open = () => {};
    this.#queue = new Promise<void>((resolve) => (open = resolve));
    await previous;
    this.#held = true;
    let instance: T;
    try {
      instance = await this.#ready();
    } catch (error) {
      this.#held = false;
      open();
      throw error;
    }
    const frees: Array<() => void> = [];
    let released = false;
    return {
      instance,
      defer: (free) => void frees.push(free),
      release: () => {
        if (released) return;
        released = true;
        try {
          for (const free of frees.splice(0)) free();
        } finally {
          this.#held = false;
          this.#dropIfLarge();
          open();
        }
      },
    };
  }

  /** Runs `use` with exclusive use of the instance and lets go afterwards, even on failure. */
  async use<R>(use: (instance: T) => R | Promise<R>): Promise<R> {
    const lease = await this.lease();
    try {
      return await use(lease.instance);
    } finally {
      lease.release();
    }
  }

  /**
   * For modules instantiated synchronously (no emscripten glue) and used in one synchronous
   * stretch, which nothing can interleave with. A lease held across an await would make that
   * unsafe, so it is refused.
   */
  runSync<R>(use: (instance: T) => R): R {
    if (this.#held) throw new Error(`${this.name} is leased; it cannot run synchronously`);
    let instance = this.#created?.instance;
    if (!instance) {
      const created = this.instantiate();
      if (created instanceof Promise) throw new Error(`${this.name} instantiates asynchronously`);
      instance = this.#adopt(created);
    }
    try {
      return use(instance);
    } finally {
      this.#dropIfLarge();
    }
  }

  /** Keeps a new instance, and its memory's first size (what it grows beyond is a request's). */
  #adopt(created: Instantiated<T>): T {
    this.#created = created;
    this.#initialBytes = created.memory.buffer.byteLength;
    return created.instance;
  }

  #dropIfLarge(): void {
    const created = this.#created;
    if (this.#held || !created || created.memory.buffer.byteLength <= RETAINED_BYTES) return;
    this.#created = undefined;
    // Resident until V8 collects it; where that cannot be observed, it is not counted.
    if (collected) {
      const bytes = created.memory.buffer.byteLength;
      lingeringBytes += bytes;
      collected.register(created.memory, bytes);
    }
  }
}

/**
 * The leases one request holds until it ends (pixels lent by a decoder stay valid while the
 * actions run). One lease per module: a request that asked twice would wait for itself, so it
 * decodes anything else it needs from that module (a watermark, say) before lending begins.
 */
export class LeaseScope {
  readonly #held = new Map<WasmModule<unknown>, Promise<Lease<unknown>>>();

  hold<T>(module: WasmModule<T>): Promise<Lease<T>> {
    const key = module as WasmModule<unknown>;
    if (this.#held.has(key)) throw new Error(`this request already holds ${module.name}`);
    const lease = module.lease();
    this.#held.set(key, lease as Promise<Lease<unknown>>);
    return lease;
  }

  /** Releases every lease (their deferred frees first). */
  async releaseAll(): Promise<void> {
    const leases = [...this.#held.values()];
    this.#held.clear();
    for (const lease of await Promise.allSettled(leases)) {
      if (lease.status === 'fulfilled') lease.value.release();
    }
  }
}

/** The emscripten glue's factory options our loader passes (MODULARIZE builds). */
interface EmscriptenOptions {
  noInitialRun: boolean;
  /** Where the glue would fetch its .wasm: never used (instantiateWasm is given), but without it
   * the glue builds a URL from `import.meta.url`, which a Worker bundle does not have. */
  locateFile: (path: string) => string;
  instantiateWasm: (
    imports: WebAssembly.Imports,
    callback: (instance: WebAssembly.Instance) => void,
  ) => WebAssembly.Exports;
}

/** The exported memory of an instance (emscripten and wasm-bindgen both export exactly one). */
export function exportedMemory(exports: WebAssembly.Exports, name: string): WebAssembly.Memory {
  const memory = Object.values(exports).find((value) => value instanceof WebAssembly.Memory);
  if (!(memory instanceof WebAssembly.Memory)) throw new Error(`${name} exports no memory`);
  return memory;
}

/** An emscripten module (JS glue + wasm) instantiated from its precompiled module. */
export function emscriptenModule<T>(
  name: string,
  factory: unknown,
  wasm: WebAssembly.Module,
): WasmModule<T> {
  return new WasmModule<T>(name, async () => {
    let memory: WebAssembly.Memory | undefined;
    const instance = await (factory as (options: EmscriptenOptions) => Promise<T>)({
      noInitialRun: true,
      locateFile: (path) => path,
      instantiateWasm(imports, callback) {
        const created = new WebAssembly.Instance(wasm, imports);
        memory = exportedMemory(created.exports, name);
        callback(created);
        return created.exports;
      },
    });
    if (!memory) throw new Error(`${name} was not instantiated`);
    return { instance, memory };
  });
}
