import kernelsWasm from '../../wasm/dist/kernels.wasm';
import { forgetMemory, onRelease, trackMemory } from '../wasm-memory';

/** Exports of wasm/kernels/*.c (a standalone module: no JS glue). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  resample_begin(
    width: number,
    height: number,
    outWidth: number,
    outHeight: number,
    hasAlpha: number,
    windowX: number,
    windowY: number,
    windowWidth: number,
    windowHeight: number,
  ): number;
  resample_strip_rows(): number;
  resample_push(rows: number): void;
  resample_finish(): number;
  resample_release(): void;
  blur_rgba(
    data: number,
    width: number,
    height: number,
    radius: number,
    sigma: number,
    blurAlpha: number,
  ): number;
  kernel_alloc(bytes: number): number;
  kernel_free(pointer: number): void;
}

const NAME = 'kernels';
let instance: KernelExports | undefined;
onRelease(NAME, () => {
  instance = undefined;
  forgetMemory(NAME);
});

/** Instantiated once per isolate on first use; dropped again if a request grew it large. */
export function kernels(): KernelExports {
  if (!instance) {
    const created = new WebAssembly.Instance(kernelsWasm, {
      env: { emscripten_notify_memory_growth: () => {} },
    });
    instance = created.exports as unknown as KernelExports;
    instance._initialize();
    trackMemory(NAME, created.exports);
  }
  return instance;
}
