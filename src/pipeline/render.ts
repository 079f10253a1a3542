import type { BoundAction, Resource, ResourceImage, ResourceRef } from '../actions/types';
import type { Config } from '../config';
import { BosError } from '../errors';
import {
  decodeImage,
  decodeScale,
  encodeImage,
  formatModule,
  hintScale,
  probeHeader,
  probeImage,
  transcodeRows,
} from '../formats/registry';
import { readEmbeddedProfile } from '../formats/metadata/icc';
import type { ImageProbe, OutputFormat } from '../formats/types';
import { logicalSize, mapFrames, type RasterImage } from '../image';
import { flattenPixels } from '../kernels/canvas';
import { srgbConverter } from '../kernels/colour';
import { applyOrientation, swapsAxes } from '../kernels/orient';
import { checkOutputSide, checkSourceLimits, LIMITS } from '../limits';
import { ISOLATE_BASE_BYTES } from '../plan/memory';
import { planImage, type ImagePlan } from '../plan/plan';
import { isolateAdmission } from './admission';
import { bindPreprocessing, type PreparedCommand } from '../plan/validate';
import { isOutOfMemory, LeaseScope } from '../wasm/loader';
import { faceOpen, fullFaceName, hasAllGlyphs, openFace } from '../wasm/text';
import { fullFaceIndex, type FontLoader } from '../source/fonts';
import type { SourceObject } from '../source';

/** How long a stage of the request took (wall time: in production it advances only at I/O). */
export interface StageTiming {
  name: 'fetch' | 'plan' | 'read' | 'decode' | 'actions' | 'encode';
  ms: number;
  description?: string;
}

/** An encoded image, with the format and size the response headers state. */
export interface RenderedImage {
  body: Uint8Array;
  format: OutputFormat;
  width: number;
  height: number;
  timings: StageTiming[];
}

/** Records stage boundaries: each call closes the stage that ran since the previous one. */
function stopwatch(started: number) {
  let last = started;
  const timings: StageTiming[] = [];
  return {
    timings,
    lap(name: StageTiming['name'], description?: string) {
      const now = performance.now();
      timings.push({ name, ms: now - last, ...(description ? { description } : {}) });
      last = now;
    },
  };
}

const MIB = 1024 * 1024;

const WHITE = { r: 255, g: 255, b: 255, a: 255 };

/**
 * The first bytes read to plan from: JPEG APP segments (EXIF, a split ICC profile) fit in
 * 128 KiB in every camera file we have; a header that does not fit is read whole instead.
 */
const HEADER_BYTES = 128 * 1024;

/**
 * Kept free of reservations when requests run at once: what the runtime holds for them beyond
 * their predictions (request and response objects, buffers the collector has not returned yet).
 * 40 mixed requests at once grew workerd by 125 MiB with the whole budget shared, by 105 MiB
 * with this held back (see docs/DEPLOY.md). A single request larger than what is left still runs,
 * alone.
 */
const CONCURRENCY_HEADROOM_BYTES = 16 * MIB;

/** A request past its deadline stops at the next stage boundary; the isolate goes on. */
function checkDeadline(deadline: number): void {
  if (performance.now() > deadline) {
    throw new BosError('ServiceUnavailable', 'The request ran past its deadline; please retry.');
  }
}

export interface RenderInput {
  /** The original, its body not read yet. */
  source: SourceObject;
  /** The same version opened again after a wait for memory; undefined when it changed. */
  reopen: () => Promise<SourceObject | undefined>;
  prepared: PreparedCommand;
  config: Config;
  /** The actions' objects (watermark pictures), read. */
  resources?: readonly Resource[];
  fonts?: FontLoader;
  /** When the request started (`performance.now()`): the fetch stage and the deadline count from it. */
  started: number;
}

/**
 * The source to the encoded result (PROTOCOL.md §1.6 steps 6–8): header → limits → plan →
 * admission → body → decode → sRGB → orient → actions in URL order → flatten → encode. Memory is
 * reserved from the isolate's budget before the body is read; a request that must wait lets its
 * body go and opens the object again once admitted, so waiting requests hold no source bytes.
 */
export async function renderImage(input: RenderInput): Promise<RenderedImage> {
  const { prepared, config, resources = [], fonts } = input;
  const deadline = input.started + config.requestDeadlineMs;
  const watch = stopwatch(input.started);
  let source = input.source;
  let bytes: Uint8Array | undefined;
  // A source no larger than a header read is read whole at once: probed and planned once.
  let probe =
    source.size !== undefined && source.size > HEADER_BYTES
      ? probeHeader(await source.prefix(HEADER_BYTES))
      : undefined;
  if (!probe) {
    // No header up front (GIF and WebP list frames to the end), the size is unknown, or small.
    bytes = await source.bytes();
    probe = probeImage(bytes);
  }
  watch.lap('fetch');
  checkSourceLimits(probe);
  const pictures = probeResources(resources);
  const extraBytes =
    pictures.reduce((sum, picture) => sum + picture.bytes, 0) +
    fontBytes(prepared.command.resources);
  const planFor = (header: ImageProbe, sourceBytes: number) =>
    planImage(prepared.command, header, sourceBytes, prepared.formatChoice, config, extraBytes);
  let plan = planFor(probe, source.size ?? bytes?.length ?? 0);
  // Concurrent renders share the isolate: the base is counted once, not per request.
  const admission = isolateAdmission(
    config.memoryBudgetBytes - ISOLATE_BASE_BYTES - CONCURRENCY_HEADROOM_BYTES,
  );
  let reserved = plan.predictedPeakBytes - ISOLATE_BASE_BYTES;
  let release = admission.tryReserve(reserved);
  let waited = false;
  if (!release) {
    source.discard();
    bytes = undefined;
    release = await admission.reserve(reserved);
    waited = true;
  }
  const scope = new LeaseScope();
  let recycle = false;
  try {
    if (waited) {
      checkDeadline(deadline);
      const reopened = await input.reopen();
      if (!reopened) throw new BosError('ServiceUnavailable', 'The object changed; please retry.');
      source = reopened;
    }
    watch.lap(
      'plan',
      `predicted ${Math.ceil(plan.predictedPeakBytes / MIB)} MiB${waited ? ', waited for memory' : ''}`,
    );
    checkDeadline(deadline);
    if (!bytes) {
      bytes = await source.bytes();
      // The whole file now: its integrity, and anything a header probe could not see.
      probe = probeImage(bytes);
      checkSourceLimits(probe);
      plan = planFor(probe, bytes.length);
      const needed = plan.predictedPeakBytes - ISOLATE_BASE_BYTES;
      if (needed > reserved) {
        release();
        release = await admission.reserve(needed);
        reserved = needed;
      }
      watch.lap('read');
    }
    await openFonts(prepared.command.resources, fonts);
    const rendered = await runPlan(bytes, probe, plan, {
      config,
      pictures,
      scope,
      watch,
      deadline,
    });
    // Done with the source: its buffer may serve the next one (the encoded body is its own).
    if (rendered.body.buffer !== bytes.buffer) recycle = true;
    return rendered;
  } catch (error) {
    if (!isOutOfMemory(error)) throw error;
    // The plan said this fits: a misprediction to fix in the memory model, not the client's fault.
    console.error('out of memory after the plan admitted the request', {
      error: String(error),
      predictedMiB: Math.ceil(plan.predictedPeakBytes / 1024 / 1024),
      source: {
        format: probe.format,
        width: probe.width,
        height: probe.height,
        bytes: bytes?.length,
      },
      plan: { ...plan, actions: plan.actions.map((action) => action.canonical) },
    });
    throw new BosError('ServiceUnavailable');
  } finally {
    source.discard();
    await scope.releaseAll();
    // Only after a success: a failed render may leave work that still reads the bytes.
    if (recycle) source.recycle();
    release();
  }
}

/**
 * Memory a face not yet open in this isolate takes while it opens: its bytes in JS and in the
 * text module, and FreeType's tables (the largest subset, serif, is 4.1 MB).
 */
const FONT_OPEN_BYTES = 12 * 1024 * 1024;

const fontBytes = (refs: readonly ResourceRef[]) =>
  refs.filter((ref) => ref.kind === 'font' && !faceOpen(ref.name)).length * FONT_OPEN_BYTES;

/**
 * Opens the faces the text needs, once per isolate: the subset, and the full face too when the
 * subset lacks a character of the text (if the bucket has it).
 */
async function openFonts(refs: readonly ResourceRef[], fonts: FontLoader | undefined) {
  for (const ref of refs) {
    if (ref.kind !== 'font') continue;
    if (!fonts) throw new BosError('InternalError', 'No font loader was given.');
    if (!faceOpen(ref.name)) {
      const subset = await fonts(ref.name, false);
      if (!subset) throw new BosError('FontNotInstalled', `The ${ref.name} font is not installed.`);
      openFace(ref.name, subset);
    }
    const full = fullFaceName(ref.name);
    if (!faceOpen(full) && !hasAllGlyphs(ref.name, ref.text)) {
      const bytes = await fonts(ref.name, true);
      if (bytes) openFace(full, bytes, fullFaceIndex(ref.name));
    }
  }
}

/** An object resource checked from its header, with the memory its decoding will hold. */
interface ResourcePicture {
  resource: Resource;
  probe: ImageProbe;
  bytes: number;
}

/** Every object resource's header: a size limit or bad format fails before any decoding. */
function probeResources(resources: readonly Resource[]): ResourcePicture[] {
  return resources
    .filter((resource) => resource.ref.kind === 'object')
    .map((resource) => {
      const probe = probeImage(resource.bytes);
      checkSourceLimits(probe);
      // Its first frame decoded and one pre-processed copy, at full size.
      return { resource, probe, bytes: 2 * 4 * probe.width * probe.height };
    });
}

/**
 * Outputs carry no ICC profile (§7.3): the conversion of the source's pixels to sRGB, applied in
 * place to frames or to strips of rows; undefined when there is nothing to convert.
 */
async function toSrgb(probe: ImageProbe): Promise<((data: Uint8Array) => void) | undefined> {
  const profile = probe.icc ? await readEmbeddedProfile(probe.icc) : undefined;
  return profile ? srgbConverter(profile) : undefined;
}

/** Pixels in another colour space become sRGB, upright. */
async function normalise(image: RasterImage, probe: ImageProbe, orientation: number) {
  const convert = await toSrgb(probe);
  if (convert) for (const frame of image.frames) convert(frame.data);
  return applyOrientation(image, orientation);
}

/**
 * A watermark's picture, before the base is decoded (so a decoder lending the base its memory is
 * not needed twice): its first frame, upright, in sRGB, through its own pre-processing. Without
 * pre-processing, a picture shown smaller (`w`, `P` of a base `baseWidth` wide) is decoded at the
 * reduced scale that still gives a faithful result, as the base is.
 */
async function decodePicture(
  picture: ResourcePicture,
  config: Config,
  baseWidth: number,
): Promise<ResourceImage> {
  const { resource, probe } = picture;
  const orientation = config.autoOrient ? (probe.orientation ?? 1) : 1;
  const ref = resource.ref;
  const uprightWidth = swapsAxes(orientation) ? probe.height : probe.width;
  const shown =
    ref.kind === 'object' && ref.process === undefined
      ? ref.percent !== undefined
        ? Math.max(1, Math.round((baseWidth * ref.percent) / 100))
        : ref.width
      : undefined;
  const scale =
    shown === undefined ? 1 : decodeScale(probe, Math.min(1, shown / uprightWidth), 'faithful');
  let image = await decodeImage(resource.bytes, probe, { scale }, { frames: 1 });
  image = await normalise(image, probe, orientation);
  const steps: BoundAction[] =
    resource.ref.kind === 'object' && resource.ref.process !== undefined
      ? bindPreprocessing(resource.ref.process)
      : [];
  const context = { config, outputFormat: 'png' as const, images: [] };
  for (const step of steps) {
    checkOutputSide(step.outputSize(image), `action ${step.name} of the watermark`);
    image = await step.apply(image, context);
  }
  return { ref: resource.ref, image };
}

interface RunContext {
  config: Config;
  pictures: readonly ResourcePicture[];
  scope: LeaseScope;
  watch: ReturnType<typeof stopwatch>;
  deadline: number;
}

async function runPlan(
  bytes: Uint8Array,
  probe: ImageProbe,
  plan: ImagePlan,
  { config, pictures, scope, watch, deadline }: RunContext,
): Promise<RenderedImage> {
  checkDeadline(deadline);
  if (plan.streamed) return runStreamed(bytes, probe, plan, scope, watch);
  // Each picture's action, for the width of the image it is drawn on (`P` is a share of it).
  const inputWidths: number[] = [];
  let width = swapsAxes(plan.orientation) ? probe.height : probe.width;
  for (const [index, action] of plan.actions.entries()) {
    for (const ref of action.resources) if (ref.kind === 'object') inputWidths.push(width);
    width = plan.sizes[index]?.width ?? width;
  }
  const images: ResourceImage[] = [];
  for (const [index, picture] of pictures.entries()) {
    images.push(await decodePicture(picture, config, inputWidths[index] ?? width));
  }
  let image: RasterImage = await decodeImage(bytes, probe, plan.decodeHint, {
    frames: plan.frames,
    scope,
  });
  image = await normalise(image, probe, plan.orientation);
  const scale = hintScale(probe, plan.decodeHint);
  watch.lap(
    'decode',
    `${probe.format} ${probe.width}x${probe.height} at ${scale === 1 ? '1' : `${Math.round(scale * 8)}/8`}`,
  );
  let taken = 0;
  for (const [index, action] of plan.actions.entries()) {
    checkDeadline(deadline);
    // Each action receives the pictures it declared, in order.
    const own = action.resources.filter((ref) => ref.kind === 'object').length;
    const context = {
      config,
      outputFormat: plan.encode.format,
      images: images.slice(taken, taken + own),
    };
    taken += own;
    image = await action.apply(image, context);
    const planned = plan.sizes[index];
    // A reduced view (passed along by a quarter turn) is checked by the picture it stands for.
    const actual = logicalSize(image);
    if (!planned || planned.width !== actual.width || planned.height !== actual.height) {
      // The planner checked limits on its sizes; an action that disagrees would bypass them.
      console.error('an action produced an unplanned size', {
        action: action.canonical,
        planned,
        actual,
      });
      throw new BosError('InternalError');
    }
  }
  if (image.view) {
    console.error('a reduced decode reached the encoder', { plan: plan.decodeHint });
    throw new BosError('InternalError');
  }
  if (image.hasAlpha && !formatModule(plan.encode.format).keepsAlpha) {
    image = mapFrames(image, image, (data) => flattenPixels(data, WHITE), false);
  }
  watch.lap('actions', `${plan.actions.length}`);
  checkDeadline(deadline);
  const body = await encodeImage(image, plan.encode);
  watch.lap('encode', plan.encode.format);
  return rendered(body, plan, watch);
}

/**
 * The plan's `streamed` path: rows from the decoder to the encoder, converted to sRGB on the
 * way, with no frame in between. Decoding runs inside the encode stage, which says so.
 */
async function runStreamed(
  bytes: Uint8Array,
  probe: ImageProbe,
  plan: ImagePlan,
  scope: LeaseScope,
  watch: ReturnType<typeof stopwatch>,
): Promise<RenderedImage> {
  const convert = await toSrgb(probe);
  watch.lap('decode', `${probe.format} ${probe.width}x${probe.height}, rows streamed`);
  const body = await transcodeRows(bytes, probe, plan.encode, scope, convert);
  watch.lap('encode', `${plan.encode.format}, decoding included`);
  return rendered(body, plan, watch);
}

function rendered(
  body: Uint8Array,
  plan: ImagePlan,
  watch: ReturnType<typeof stopwatch>,
): RenderedImage {
  if (body.length > LIMITS.outputBytes) {
    throw new BosError(
      'ImageTooLarge',
      `The encoded image is ${body.length} bytes; the limit is ${LIMITS.outputBytes}.`,
    );
  }
  return {
    body,
    format: plan.encode.format,
    width: plan.output.width,
    height: plan.output.height,
    timings: watch.timings,
  };
}
