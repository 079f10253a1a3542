import kernelsWasm from '../../wasm/dist/kernels.wasm';
import { exportedMemory, WasmModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import type { Rect, Size } from '../image';

/** Exports of wasm/kernels/*.c (a standalone module: no JS glue). */
interface KernelExports {
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

/** Instantiated synchronously (no glue), so kernels run in one synchronous stretch. */
export const kernelsModule = new WasmModule<KernelExports>('kernels', () => {
  const created = new WebAssembly.Instance(kernelsWasm, {
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const exports = created.exports as unknown as KernelExports;
  exports._initialize();
  return { instance: exports, memory: exportedMemory(created.exports, 'kernels') };
});

/**
 * Lanczos-3 in fixed point (wasm/kernels/resample.c) of one RGBA frame to `output`, reading the
 * `window` of the input (continuous pixel coordinates); premultiplied when `hasAlpha`. The frame
 * goes in by strips of rows, never whole. Returns a copy.
 */
export function resampleRgba(
  data: Uint8Array,
  input: Size,
  output: Size,
  hasAlpha: boolean,
  window: Rect,
): Uint8Array {
  return kernelsModule.runSync((module) => {
    try {
      const strip = module.resample_begin(
        input.width,
        input.height,
        output.width,
        output.height,
        hasAlpha ? 1 : 0,
        window.x,
        window.y,
        window.width,
        window.height,
      );
      if (strip === 0) throw new WasmOutOfMemory('kernels');
      feedStrips(data, input, {
        heap: () => new Uint8Array(module.memory.buffer),
        strip,
        stripRows: module.resample_strip_rows(),
        push: (rows) => (module.resample_push(rows), true),
      });
      const result = module.resample_finish();
      if (result === 0) throw new WasmOutOfMemory('kernels');
      return new Uint8Array(module.memory.buffer, result, output.width * output.height * 4).slice();
    } finally {
      module.resample_release();
    }
  });
}

/**
 * Gaussian blur (wasm/kernels/blur.c: running sums, cost independent of the radius) of a copy of
 * the frame held in the module; `use` reads the blurred copy before it is freed.
 */
export function withBlurredRgba(
  data: Uint8Array,
  size: Size,
  radius: number,
  sigma: number,
  blurAlpha: boolean,
  use: (blurred: Uint8Array) => void,
): void {
  kernelsModule.runSync((module) => {
    const pointer = module.kernel_alloc(data.length);
    if (pointer === 0) throw new WasmOutOfMemory('kernels');
    try {
      new Uint8Array(module.memory.buffer, pointer, data.length).set(data);
      const failed = module.blur_rgba(
        pointer,
        size.width,
        size.height,
        radius,
        sigma,
        blurAlpha ? 1 : 0,
      );
      if (failed !== 0) throw new WasmOutOfMemory('kernels');
      use(new Uint8Array(module.memory.buffer, pointer, data.length));
    } finally {
      module.kernel_free(pointer);
    }
  });
}
