import { decodeImage, encodeImage } from '../codecs';
import type { ImageProbe } from '../codecs/probe';
import type { Config } from '../config';
import { BosError } from '../errors';
import { logicalSize, mapFrames, type RasterImage } from '../image';
import { flattenPixels } from '../kernels/canvas';
import { convertToSrgb } from '../kernels/colour';
import { applyOrientation } from '../kernels/orient';
import { readEmbeddedProfile } from '../codecs/icc';
import { LIMITS } from '../limits';
import { releaseLargeMemories } from '../wasm-memory';
import type { ImagePlan } from '../plan/plan';

export interface RenderedImage {
  body: Uint8Array;
  width: number;
  height: number;
}

const WHITE = { r: 255, g: 255, b: 255, a: 255 };

/** Formats without an alpha channel flatten onto white (PROTOCOL.md §7.2). */
const OPAQUE_OUTPUTS = new Set(['jpg', 'bmp']);

/** decode → sRGB → orient → actions in URL order → flatten → encode, as the plan says. */
export async function renderImage(
  bytes: Uint8Array,
  probe: ImageProbe,
  plan: ImagePlan,
  config: Config,
): Promise<RenderedImage> {
  const cleanup: Array<() => void> = [];
  try {
    return await run(bytes, probe, plan, config, cleanup);
  } finally {
    for (const release of cleanup) release();
    releaseLargeMemories(RETAINED_WASM_BYTES);
  }
}

/**
 * Codec instances whose memory grew past this are dropped after the request (and instantiated
 * afresh when next needed), so an isolate does not keep the peak of its largest request.
 */
const RETAINED_WASM_BYTES = 32 * 1024 * 1024;

async function run(
  bytes: Uint8Array,
  probe: ImageProbe,
  plan: ImagePlan,
  config: Config,
  cleanup: Array<() => void>,
): Promise<RenderedImage> {
  let image: RasterImage = await decodeImage(bytes, probe, plan.decodeHint, cleanup);
  // Outputs carry no ICC profile (§7.3), so pixels in another colour space become sRGB here.
  const profile = probe.icc ? await readEmbeddedProfile(probe.icc) : undefined;
  if (profile)
    convertToSrgb(
      image.frames.map((frame) => frame.data),
      profile,
    );
  image = applyOrientation(image, plan.orientation);
  const context = { config, outputFormat: plan.encode.format };
  for (const [index, action] of plan.actions.entries()) {
    image = await action.apply(image, context);
    const planned = plan.sizes[index];
    // A reduced view (passed along by a quarter turn) is checked by the picture it stands for.
    const actual = logicalSize(image);
    if (!planned || planned.width !== actual.width || planned.height !== actual.height) {
      // The planner checked limits on its sizes; an action that disagrees would bypass them.
      throw new BosError('InternalError', `action ${action.name} produced an unplanned size`);
    }
  }
  if (image.view) {
    throw new BosError('InternalError', 'a reduced decode reached the encoder');
  }
  if (image.hasAlpha && OPAQUE_OUTPUTS.has(plan.encode.format)) {
    image = mapFrames(image, image, (data) => flattenPixels(data, WHITE), false);
  }
  const body = await encodeImage(image, plan.encode);
  if (body.length > LIMITS.outputBytes) {
    throw new BosError(
      'ImageTooLarge',
      `The encoded image is ${body.length} bytes; the limit is ${LIMITS.outputBytes}.`,
    );
  }
  return { body, width: image.width, height: image.height };
}
