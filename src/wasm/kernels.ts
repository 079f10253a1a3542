import kernelsWasm from '../../wasm/dist/kernels.wasm';
import { exportedMemory, WasmModule, WasmOutOfMemory } from './loader';
import { feedStrips } from './strips';
import { frameRows, type Rect, type Size } from '../image';

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
  composite_block(width: number, height: number): number;
  composite_strip(width: number, rows: number): number;
  composite_stamp(width: number, rows: number, top: number, x: number, y: number): void;
  composite_release(): void;
  rotate_begin(
    width: number,
    height: number,
    outWidth: number,
    outHeight: number,
    degrees: number,
    backgroundR: number,
    backgroundG: number,
    backgroundB: number,
    backgroundA: number,
  ): number;
  rotate_strip_rows(): number;
  rotate_rows(first: number, rows: number): number;
  rotate_release(): void;
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
      feedStrips(frameRows(data, input, hasAlpha), {
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

/** Rows of the base in the compositing module at a time: its memory stays a strip, not a frame. */
const STAMP_ROWS = 64;

/**
 * Draws `block` over an RGBA frame in place at each position (top-left corners, clipped), with
 * source-over in premultiplied arithmetic (wasm/kernels/composite.c). Only the strips of rows a
 * copy touches go through the module.
 */
export function stampRgba(
  frame: Uint8Array,
  size: Size,
  block: Uint8Array,
  blockSize: Size,
  positions: ReadonlyArray<{ x: number; y: number }>,
): void {
  kernelsModule.runSync((module) => {
    try {
      const blockPointer = module.composite_block(blockSize.width, blockSize.height);
      const strip = module.composite_strip(size.width, STAMP_ROWS);
      if (blockPointer === 0 || strip === 0) throw new WasmOutOfMemory('kernels');
      new Uint8Array(module.memory.buffer).set(block, blockPointer);
      const rowBytes = size.width * 4;
      for (let top = 0; top < size.height; top += STAMP_ROWS) {
        const rows = Math.min(STAMP_ROWS, size.height - top);
        const touching = positions.filter(
          ({ x, y }) =>
            y < top + rows &&
            y + blockSize.height > top &&
            x < size.width &&
            x + blockSize.width > 0,
        );
        if (touching.length === 0) continue;
        const part = frame.subarray(top * rowBytes, (top + rows) * rowBytes);
        new Uint8Array(module.memory.buffer).set(part, strip);
        for (const { x, y } of touching) module.composite_stamp(size.width, rows, top, x, y);
        part.set(new Uint8Array(module.memory.buffer, strip, part.length));
      }
    } finally {
      module.composite_release();
    }
  });
}

/**
 * One RGBA frame turned clockwise by `degrees` about its centre onto an `out`-sized canvas
 * (wasm/kernels/rotate.c: bilinear on premultiplied pixels, exposed corners `background`). The
 * frame is copied into the module once; the result comes back a strip of rows at a time.
 */
export function rotateRgba(
  data: Uint8Array,
  size: Size,
  degrees: number,
  out: Size,
  background: readonly [number, number, number, number],
): Uint8Array {
  return kernelsModule.runSync((module) => {
    try {
      const source = module.rotate_begin(
        size.width,
        size.height,
        out.width,
        out.height,
        degrees,
        ...background,
      );
      if (source === 0) throw new WasmOutOfMemory('kernels');
      new Uint8Array(module.memory.buffer).set(
        data.subarray(0, size.width * size.height * 4),
        source,
      );
      const result = new Uint8Array(out.width * out.height * 4);
      const stripRows = module.rotate_strip_rows();
      const rowBytes = out.width * 4;
      for (let y = 0; y < out.height; y += stripRows) {
        const rows = Math.min(stripRows, out.height - y);
        const strip = module.rotate_rows(y, rows);
        result.set(new Uint8Array(module.memory.buffer, strip, rows * rowBytes), y * rowBytes);
      }
      return result;
    } finally {
      module.rotate_release();
    }
  });
}
