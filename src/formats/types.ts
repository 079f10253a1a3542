import type { RasterImage, Rect, RowSource } from '../image';
import type { LeaseScope } from '../wasm/loader';
import type { EmbeddedProfile } from './metadata/icc';

/** Formats the service recognises from bytes (PROTOCOL.md §1.5 input formats). */
export type ImageFormat = 'jpg' | 'png' | 'webp' | 'avif' | 'gif' | 'bmp' | 'heic';
/** Formats an output may take (the ones whose module can encode). */
export type OutputFormat = Exclude<ImageFormat, 'heic'>;

/** What the header says, read without decoding a pixel (PROTOCOL.md §1.6 step 6). */
export interface ImageProbe {
  format: ImageFormat;
  width: number;
  height: number;
  frames: number;
  /** EXIF Orientation 1–8 when the file carries one. */
  orientation: number | undefined;
  /** The EXIF block's TIFF structure, when the file carries one (for `info`). */
  exif?: Uint8Array;
  /** The embedded ICC profile, when there is one (pixels are converted to sRGB after decoding). */
  icc?: EmbeddedProfile;
  /** libjpeg quality estimated from the quantisation tables (JPEG only). */
  jpegQuality: number | undefined;
  /**
   * A JPEG in several scans (progressive, or components in separate scans): bytes per stored
   * pixel of the DCT coefficients libjpeg keeps until the last scan, whatever the decode scale
   * (2 per coefficient: 3 for 4:2:0, 6 for 4:4:4). Absent for single-scan JPEGs and other formats.
   */
  jpegCoefficientBytes?: number;
  /**
   * A 16-bit or Adam7-interlaced PNG: bytes per stored pixel of the inflated scanlines our decoder
   * holds beside its output frame (interlaced: all of them; otherwise what they take beyond the
   * frame's 4 a pixel, which they share). Absent for other PNGs and other formats.
   */
  pngScanlineBytes?: number;
  hasAlpha: boolean;
}

/**
 * What the planner asks of a decoder, in stored (not yet oriented) full-size pixels. Decoders
 * that can, return less than the whole image; the others ignore it.
 */
export interface DecodeHint {
  /** Smallest useful scale (≤ 1): the decoder may return any scale at or above it. */
  scale: number;
  /** Only this part of the stored image is needed. */
  region?: Rect;
}

export interface DecodeOptions {
  /** Frames of an animation to decode (the plan's choice; stills have one). */
  frames: number;
  /**
   * The request's leases. A decoder that can lend its pixels (they stay in its memory until the
   * request ends, saving a frame-sized copy at the peak) does so only when given one.
   */
  scope?: LeaseScope;
}

export interface EncodeSettings {
  format: OutputFormat;
  /** 1–100 on the JPEG scale; each encoder maps it to its own. */
  quality: number;
  progressive: boolean;
  /**
   * Memory the planner granted a still's encoder beyond its declared needs, to run faster
   * (FormatMemory.fasterEncoder); 0 when none. Past it, the encoder takes its lean path.
   */
  encoderGrantBytes: number;
}

/**
 * How much detail a reduced decode must keep beyond what the next action needs: `faithful`
 * matches a full decode; a number is a plain margin, for when memory allows no more.
 */
export type DecodeMargin = 'faithful' | number;

/** A decoder's own steps of reduction (DCT eighths, libwebp's power-of-two scaler). */
export interface Reduction {
  /** Margin measured to keep a reduced decode within noise of a full one (see its module). */
  faithfulMargin: number;
  /** Whether this source can be decoded reduced (animations are composited at full size). */
  applies(source: { frames: number }): boolean;
  /** The scale the decoder produces when at least `wanted` (≤ 1) is needed. */
  stepAtLeast(wanted: number): number;
}

/** Memory a format's codecs hold, for the planner's prediction (plan/memory.ts). */
export interface FormatMemory {
  /**
   * While decoding, beyond the JS copy of the source: copies of the decoded frames and of the
   * source held at the peak (decoders that cannot reduce keep more in their own memory).
   */
  decoder(source: Pick<ImageProbe, 'frames' | 'jpegCoefficientBytes' | 'pngScanlineBytes'>): {
    frameCopies: number;
    sourceCopies: number;
    /** Bytes per stored pixel held whatever the decode scale (a multi-scan JPEG's coefficients,
     * a 16-bit or interlaced PNG's scanlines). */
    sourcePixelBytes?: number;
  };
  /** Encoder bytes per output pixel of each encoded frame, and fixed bytes. */
  encoderBytesPerPixel: number;
  encoderFixedBytes: number;
  /**
   * A leaner encoder path for large outputs that are not progressive (JPEG without optimised
   * Huffman tables): its bytes per output pixel, in place of encoderBytesPerPixel.
   */
  leanEncoder?: { abovePixels: number; bytesPerPixel: number };
  /**
   * Memory a still's encoder can use beyond encoderBytesPerPixel to run faster, per output pixel:
   * granted by the planner when it fits the budget, and never exceeded (past its grant the
   * encoder falls back to its lean path). WebP: libwebp's token buffer, ~1.5× faster.
   */
  fasterEncoder?: { bytesPerPixel: number };
  /** Encoder bytes per output pixel added when the output has transparency (WebP's alpha plane). */
  encoderAlphaBytesPerPixel?: number;
  /**
   * Encoders that take an animation one frame at a time (WebP): bytes per output pixel of what
   * they keep whatever the frame count (canvases), and per pixel of each frame (what they keep of
   * it until the file is assembled), in place of encoderBytesPerPixel for every frame.
   */
  animationEncoder?: { canvasBytesPerPixel: number; frameBytesPerPixel: number };
}

/** Everything the service knows about one format: the only place a format's facts live. */
export interface FormatModule {
  readonly name: ImageFormat;
  readonly mime: string;
  /** Object-name extensions, for plain GETs of objects stored without a Content-Type. */
  readonly extensions: readonly string[];
  /** Whether an output in this format keeps transparency (else it is flattened onto white). */
  readonly keepsAlpha: boolean;
  /** Whether an output in this format keeps an animation (else it takes the first frame). */
  readonly keepsAnimation: boolean;
  /** The output format when a command names none (PROTOCOL.md §7.5: heic → jpg). */
  readonly defaultOutput: OutputFormat;
  readonly memory: FormatMemory;
  /** Present when the decoder can decode reduced (scale) and a region. */
  readonly reduction?: Reduction;
  /** Recognises the format from its first bytes. */
  sniff(bytes: Uint8Array): boolean;
  /** Reads size, frames, orientation, ICC and quality from the header (throws BosError). */
  probe(bytes: Uint8Array): ImageProbe;
  /**
   * The same facts from the start of the file alone, where the format puts them all before the
   * pixels (the planner reserves memory before the rest is read); throws when the prefix is not
   * enough. Formats without one are read whole before they are planned.
   */
  probeHeader?(prefix: Uint8Array): ImageProbe;
  /** Decodes to RGBA as the hint and options ask. Any failure of the file is a BosError 400. */
  decode(
    bytes: Uint8Array,
    probe: ImageProbe,
    hint: DecodeHint,
    options: DecodeOptions,
  ): Promise<RasterImage>;
  /** Absent when the format cannot be written. */
  encode?(image: RasterImage, settings: EncodeSettings): Promise<Uint8Array>;
  /**
   * Present when the decoder can deliver a still at full size row by row (a re-encode with no
   * pixel action then never holds the decoded frame).
   */
  readonly rowDecoder?: RowDecoder;
  /** Present when the encoder can take a still's rows in order (for the settings it accepts). */
  readonly rowEncoder?: RowEncoder;
}

/** A still decoded at full size, strip by strip. */
export interface RowDecoder {
  /**
   * Bytes its memory holds while streaming, beyond the source: strips and working state
   * (a multi-scan JPEG's coefficients are counted by `memory.decoder` as sourcePixelBytes).
   */
  workingBytes(probe: ImageProbe): number;
  /**
   * Opens the rows for the duration of the request's scope (the decoder's instance stays held
   * until it ends). `finish()` must be called after the last row: it throws the BosError of data
   * found corrupt while decoding, so an encoded result is never answered from damaged rows.
   */
  open(bytes: Uint8Array, probe: ImageProbe, scope: LeaseScope): Promise<DecodedRows>;
}

export interface DecodedRows extends RowSource {
  finish(): void;
}

export interface RowEncoder {
  accepts(settings: EncodeSettings): boolean;
  encode(rows: RowSource, settings: EncodeSettings): Promise<Uint8Array>;
}
