import libheifFactory from 'libheif-js/libheif-wasm/libheif.js';
import libheifWasm from 'libheif-js/libheif-wasm/libheif.wasm';
import { BosError } from '../errors';
import type { RasterImage } from '../image';
import { anyTransparent } from '../kernels/canvas';
import { trackMemory } from '../wasm-memory';

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
interface Libheif {
  HeifDecoder: new () => { decode(bytes: Uint8Array): HeifImage[]; decoder?: unknown };
}
type LibheifFactory = (options: {
  instantiateWasm: (
    imports: WebAssembly.Imports,
    callback: (instance: WebAssembly.Instance) => void,
  ) => WebAssembly.Exports;
  onRuntimeInitialized: () => void;
}) => Libheif;

let ready: Promise<Libheif> | undefined;
/** libheif (with libde265 for HEVC), instantiated once per isolate on the first HEIC request. */
const libheif = () =>
  (ready ??= new Promise<Libheif>((resolve) => {
    const module: Libheif = (libheifFactory as unknown as LibheifFactory)({
      instantiateWasm(imports, callback) {
        const instance = new WebAssembly.Instance(libheifWasm, imports);
        trackMemory('heic-dec', instance.exports);
        callback(instance);
        return instance.exports;
      },
      // Resolved on a later turn: the factory may call this before it returns the module.
      onRuntimeInitialized: () => void Promise.resolve().then(() => resolve(module)),
    });
  }));

/** The primary image of a HEIF file (thumbnails and other items are ignored), as RGBA. */
export async function decodeHeic(bytes: Uint8Array): Promise<RasterImage> {
  const decoder = new (await libheif()).HeifDecoder();
  const images = decoder.decode(bytes);
  const primary = images.find((image) => image.is_primary()) ?? images[0];
  if (!primary) throw new BosError('UnsupportedImageFormat', 'The HEIF file holds no image.');
  try {
    const width = primary.get_width();
    const height = primary.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) =>
      primary.display(target, resolve),
    );
    if (!result)
      throw new BosError('UnsupportedImageFormat', 'The HEIF image could not be decoded.');
    const data = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
    return {
      width,
      height,
      hasAlpha: primary.has_alpha_channel() && anyTransparent(data),
      frames: [{ data, delayMs: 0 }],
    };
  } finally {
    for (const image of images) image.free();
  }
}
