import libheifFactory from 'libheif-js/libheif-wasm/libheif.js';
import libheifWasm from 'libheif-js/libheif-wasm/libheif.wasm';
import { exportedMemory, WasmModule } from './loader';

/** The parts of libheif-js's wrapper the decoder uses. */
interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  has_alpha_channel(): boolean;
  display(
    target: { data: Uint8ClampedArray; width: number; height: number },
    done: (result: { data: Uint8ClampedArray } | null) => void,
  ): void;
  free(): void;
}
interface HeifDecoder {
  decode(bytes: Uint8Array): HeifImage[];
  /** The heif_context the wrapper allocated (and never frees by itself). */
  decoder: number | null;
}
interface Libheif {
  HeifDecoder: new () => HeifDecoder;
  heif_context_free(context: number): void;
}
type LibheifFactory = (options: {
  instantiateWasm: (
    imports: WebAssembly.Imports,
    callback: (instance: WebAssembly.Instance) => void,
  ) => WebAssembly.Exports;
  onRuntimeInitialized: () => void;
}) => Libheif;

/** libheif (with libde265 for HEVC) from libheif-js. */
export const heifModule = new WasmModule<Libheif>(
  'heic-dec',
  () =>
    new Promise((resolve) => {
      let memory: WebAssembly.Memory | undefined;
      const module: Libheif = (libheifFactory as unknown as LibheifFactory)({
        instantiateWasm(imports, callback) {
          const instance = new WebAssembly.Instance(libheifWasm, imports);
          memory = exportedMemory(instance.exports, 'heic-dec');
          callback(instance);
          return instance.exports;
        },
        // Resolved on a later turn: the factory may call this before it returns the module.
        onRuntimeInitialized: () =>
          void Promise.resolve().then(() => {
            if (memory) resolve({ instance: module, memory });
          }),
      });
    }),
);

/**
 * The primary image of a HEIF file (thumbnails and other items are ignored) as RGBA, or
 * undefined when it holds none or cannot be decoded. Every handle and the context are freed.
 */
export async function decodeHeifPrimary(
  libheif: Libheif,
  bytes: Uint8Array,
): Promise<{ data: Uint8Array; width: number; height: number; hasAlpha: boolean } | undefined> {
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(bytes);
  try {
    const primary = images.find((image) => image.is_primary()) ?? images[0];
    if (!primary) return undefined;
    const width = primary.get_width();
    const height = primary.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) =>
      primary.display(target, resolve),
    );
    if (!result) return undefined;
    return {
      width,
      height,
      hasAlpha: primary.has_alpha_channel(),
      data: new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength),
    };
  } finally {
    for (const image of images) image.free();
    if (decoder.decoder) libheif.heif_context_free(decoder.decoder);
    decoder.decoder = null;
  }
}
