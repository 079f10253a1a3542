import type { Config } from '../config';
import type { OutputFormat } from '../formats/types';
import type { RasterImage, Rect, Size } from '../image';
import type { FaceName } from './fonts';
import type { Args, ParamSpecs } from './params';

/** One action as written in the URL (request/grammar.ts), before its definition gives it meaning. */
export interface RawAction {
  name: string;
  /** `key_value` tokens in URL order, split at the first `_`. */
  params: Array<[key: string, value: string]>;
  /** Tokens without `_`; only `rotate` accepts one (its bare angle). */
  bare: string[];
}

/**
 * Something an action reads besides the image (a watermark's picture, a font), fetched through
 * source/ before the image is decoded so that a missing one fails before any pixel work.
 */
export type ResourceRef =
  /**
   * An object of the served bucket (PROTOCOL.md §3.18: `bucket` must name it), with the
   * `image/…` command that pre-processes it, if any.
   */
  | {
      kind: 'object';
      key: string;
      bucket?: string;
      process?: string;
      /** The width it is shown at (`w`), or its share of the image's width in % (`P`). */
      width?: number;
      percent?: number;
    }
  /** A bundled face (actions/fonts.ts), and the text it must draw (to load the full face if needed). */
  | { kind: 'font'; name: FaceName; text: string };

/** A fetched resource: its bytes, with the ETag that goes into the response's ETag. */
export interface Resource {
  ref: ResourceRef;
  etag: string;
  bytes: Uint8Array;
}

/** An object resource as an action receives it: decoded, oriented and pre-processed. */
export interface ResourceImage {
  ref: ResourceRef;
  image: RasterImage;
}

/** Where an action acts in the pipeline (PROTOCOL.md §1.2 rule 8). */
export type ActionStage =
  /** Runs on pixels, in URL order. */
  | 'pixels'
  /** `auto-orient`: acts first wherever it stands; the last occurrence wins. */
  | 'orient'
  /** `format`, `quality`, `interlace`, `strip`: encoder settings applied at the end; last wins. */
  | 'encoder'
  /** `info`: answers with JSON and must stand alone. */
  | 'info';

/** What the encoder stage actions collect. */
export interface EncoderRequest {
  format?: OutputFormat | 'auto';
  /** `quality,q_`: relative to the source JPEG quality. */
  relativeQuality?: number;
  /** `quality,Q_`: absolute, capped at the source JPEG quality. */
  absoluteQuality?: number;
  progressive?: boolean;
  strip?: boolean;
}

export interface OrientRequest {
  apply: boolean;
}

/** Part of an action's input that it reads, in the input's (upright) pixels. */
export interface SourceNeeds {
  scale: number;
  region?: Rect;
}

export interface ActionContext {
  config: Config;
  /** Output format, known before decoding; actions that add transparency read it. */
  outputFormat: OutputFormat;
  /** The images this action declared in `resources`, in declaration order. */
  images: readonly ResourceImage[];
}

/** What the planner knows when it asks an action for its extra memory. */
export interface MemoryQuery {
  /** The action's input and output sizes (the planner's, before any pixel exists). */
  input: Size;
  output: Size;
  /** Frames the plan decodes. */
  frames: number;
}

export interface ActionDefinition<P extends ParamSpecs> {
  name: string;
  stage: ActionStage;
  params: P;
  /** A token without `_` (only `rotate,90`): the key it stands for, or undefined to refuse it. */
  bareKey?: keyof P & string;
  /** Rules spanning several parameters: required keys, exclusive keys. Throws BosError. */
  check?: (args: Args<P>) => void;
  /** The size after the action, computed without pixels so limits hold before decoding. */
  outputSize?: (input: Size, args: Args<P>) => Size;
  /**
   * How much of its input this action needs when it runs first: the scale (≤ 1) and region the
   * decoder may reduce to. Only actions that read `image.view` in `apply` may declare it.
   */
  sourceNeeds?: (input: Size, args: Args<P>) => SourceNeeds;
  /** Whether `apply` runs the resampler (its memory counts in the planner's prediction). */
  resamples?: boolean;
  /**
   * Whether these arguments may make an opaque image transparent (the planner then counts what
   * an encoder needs for transparency, WebP's alpha plane).
   */
  addsAlpha?: (args: Args<P>) => boolean;
  /**
   * For actions that carry a reduced view through unchanged in meaning (a quarter turn, a crop):
   * the next action's needs, given in this action's output, mapped back onto its input; undefined
   * when they cannot pass.
   */
  forwardNeeds?: (input: Size, args: Args<P>, downstream: SourceNeeds) => SourceNeeds | undefined;
  /** Objects and fonts the action reads, fetched before decoding (a watermark's image, its font). */
  resources?: (args: Args<P>) => ResourceRef[];
  /**
   * Bytes the action needs beyond its input and output frames (a decoded watermark, a glyph
   * atlas), added by the planner to its prediction of the request's peak.
   */
  extraMemory?: (args: Args<P>, query: MemoryQuery) => number;
  /**
   * The capability these arguments need that is not executed yet (answered 501 before storage),
   * e.g. text watermarks before fonts exist; undefined when they can run.
   */
  missing?: (args: Args<P>) => string | undefined;
  /** Absent while the action is accepted but not executed: the request answers 501. */
  apply?: (image: RasterImage, args: Args<P>, context: ActionContext) => Promise<RasterImage>;
  encoder?: (request: EncoderRequest, args: Args<P>) => void;
  orient?: (request: OrientRequest, args: Args<P>) => void;
}

/** A validated action with its arguments bound: the registry's output, free of type parameters. */
export interface BoundAction {
  name: string;
  stage: ActionStage;
  /** `name,k1_v1,k2_v2` with keys sorted and defaults made explicit. */
  canonical: string;
  /** Undefined when the action can run with these arguments; else what is not executed yet. */
  missing: string | undefined;
  outputSize(input: Size): Size;
  resamples: boolean;
  addsAlpha: boolean;
  sourceNeeds(input: Size): SourceNeeds;
  forwardNeeds(input: Size, downstream: SourceNeeds): SourceNeeds | undefined;
  resources: ResourceRef[];
  extraMemory(query: MemoryQuery): number;
  apply(image: RasterImage, context: ActionContext): Promise<RasterImage>;
  configureEncoder(request: EncoderRequest): void;
  configureOrient(request: OrientRequest): void;
}
