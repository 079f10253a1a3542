/**
 * The third-party wasm codecs, each instantiated at most once per isolate and only when a request
 * needs that format. Wrangler compiles every `.wasm` import at deploy time (Workers refuse to
 * compile wasm at run time), so instantiating is all that happens here.
 */
import avifDecFactory from '@jsquash/avif/codec/dec/avif_dec.js';
import avifDecWasm from '@jsquash/avif/codec/dec/avif_dec.wasm';
import avifEncFactory from '@jsquash/avif/codec/enc/avif_enc.js';
import avifEncWasm from '@jsquash/avif/codec/enc/avif_enc.wasm';
import {
  decode as pngDecodeRaw,
  encode as pngEncodeRaw,
  initSync as pngInitSync,
} from '@jsquash/png/codec/pkg/squoosh_png.js';
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module';
import webpEncFactory from '@jsquash/webp/codec/enc/webp_enc_simd.js';
import webpEncWasm from '@jsquash/webp/codec/enc/webp_enc_simd.wasm';
import jpegDecFactory from '../../wasm/dist/jpeg_dec.js';
import jpegDecWasm from '../../wasm/dist/jpeg_dec.wasm';
import jpegEncFactory from '../../wasm/dist/jpeg_enc.js';
import jpegEncWasm from '../../wasm/dist/jpeg_enc.wasm';
import webpDecFactory from '../../wasm/dist/webp_dec.js';
import webpDecWasm from '../../wasm/dist/webp_dec.wasm';
import { forgetMemory, onRelease, trackMemory } from '../wasm-memory';

/** What the codecs' decoders return (their ImageData polyfill). */
export interface DecodedPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

interface EmscriptenOptions {
  noInitialRun: boolean;
  instantiateWasm: (
    imports: WebAssembly.Imports,
    callback: (instance: WebAssembly.Instance) => void,
  ) => WebAssembly.Exports;
}
type Factory<M> = (options: EmscriptenOptions) => Promise<M>;

export type WebpEncodeOptions = Record<string, number>;
export interface AvifEncodeOptions {
  quality: number;
  qualityAlpha: number;
  denoiseLevel: number;
  tileRowsLog2: number;
  tileColsLog2: number;
  speed: number;
  subsample: number;
  chromaDeltaQ: boolean;
  sharpness: number;
  enableSharpYUV: boolean;
  tune: number;
  bitDepth: number;
}

/** Our libjpeg-turbo build (wasm/jpeg/decoder.c). */
export interface TurboJpegModule {
  HEAPU8: Uint8Array;
  _jpeg_alloc(size: number): number;
  _jpeg_free(pointer: number): void;
  _jpeg_decode(
    data: number,
    length: number,
    scaleDenom: number,
    x: number,
    y: number,
    width: number,
    height: number,
  ): number;
  _jpeg_result_width(): number;
  _jpeg_result_height(): number;
  _jpeg_result_code(): number;
}
/** Our libjpeg-turbo encoder (wasm/jpeg/encoder.c): rows pushed in strips. */
export interface TurboJpegEncoderModule {
  HEAPU8: Uint8Array;
  _jpeg_enc_begin(width: number, height: number, quality: number, progressive: number): number;
  _jpeg_enc_strip_rows(): number;
  _jpeg_enc_push(rows: number): number;
  _jpeg_enc_finish(): number;
  _jpeg_enc_size(): number;
  _jpeg_enc_release(): void;
}
/** Our libwebp build (wasm/webp/decoder.c). */
export interface LibwebpModule {
  HEAPU8: Uint8Array;
  _webp_alloc(size: number): number;
  _webp_free(pointer: number): void;
  _webp_decode(
    data: number,
    length: number,
    cropX: number,
    cropY: number,
    cropWidth: number,
    cropHeight: number,
    outWidth: number,
    outHeight: number,
  ): number;
  _webp_result_code(): number;
  _webp_anim_open(data: number, length: number): number;
  _webp_anim_loop_count(decoder: number): number;
  _webp_anim_next(decoder: number): number;
  _webp_anim_timestamp(): number;
  _webp_anim_close(decoder: number): void;
}
interface WebpEncoder {
  encode(
    data: Uint8Array,
    width: number,
    height: number,
    options: WebpEncodeOptions,
  ): Uint8Array | null;
}
interface AvifDecoder {
  decode(data: Uint8Array, bitDepth: 8): DecodedPixels | null;
}
interface AvifEncoder {
  encode(
    data: Uint8Array,
    width: number,
    height: number,
    options: AvifEncodeOptions,
  ): Uint8Array | null;
}

/**
 * Instantiates an emscripten codec from its precompiled module on first use. The instance is
 * dropped (and its memory left to the garbage collector) when `releaseLargeMemories` finds it grew
 * large, so one big request does not pin its high-water mark for the isolate's lifetime.
 */
function emscripten<M>(name: string, factory: unknown, wasm: WebAssembly.Module): () => Promise<M> {
  let instance: Promise<M> | undefined;
  onRelease(name, () => {
    instance = undefined;
    forgetMemory(name);
  });
  return () =>
    (instance ??= (factory as Factory<M>)({
      noInitialRun: true,
      instantiateWasm(imports, callback) {
        const created = new WebAssembly.Instance(wasm, imports);
        trackMemory(name, created.exports);
        callback(created);
        return created.exports;
      },
    }));
}

export const jpegDecoder = emscripten<TurboJpegModule>('jpeg-dec', jpegDecFactory, jpegDecWasm);
export const jpegEncoder = emscripten<TurboJpegEncoderModule>(
  'jpeg-enc',
  jpegEncFactory,
  jpegEncWasm,
);
export const webpDecoder = emscripten<LibwebpModule>('webp-dec', webpDecFactory, webpDecWasm);
export const webpEncoder = emscripten<WebpEncoder>('webp-enc', webpEncFactory, webpEncWasm);
export const avifDecoder = emscripten<AvifDecoder>('avif-dec', avifDecFactory, avifDecWasm);
export const avifEncoder = emscripten<AvifEncoder>('avif-enc', avifEncFactory, avifEncWasm);

let pngReady = false;
/** squoosh_png (Rust, wasm-bindgen): one module decodes and encodes. */
export const png = () => {
  if (!pngReady) trackMemory('png', pngInitSync(pngWasm) as unknown as WebAssembly.Exports);
  pngReady = true;
  return {
    decode: (data: Uint8Array): DecodedPixels => pngDecodeRaw(data),
    encode: (data: Uint8Array, width: number, height: number): Uint8Array =>
      pngEncodeRaw(data, width, height, 8),
  };
};
