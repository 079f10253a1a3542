import { BosError } from '../errors';
import type { Size } from '../image';
import { LIMITS } from '../limits';
import type { ImageProbe } from '../codecs/probe';

export function checkSourceBytes(byteLength: number): void {
  if (byteLength > LIMITS.sourceBytes) {
    throw new BosError(
      'ImageTooLarge',
      `The source is ${byteLength} bytes; the limit is ${LIMITS.sourceBytes}.`,
    );
  }
}

/** Source limits of §1.5, from the header alone. */
export function checkSourceLimits(probe: ImageProbe): void {
  const { width, height, frames } = probe;
  if (width > LIMITS.sourceSide || height > LIMITS.sourceSide) {
    throw new BosError(
      'ImageTooLarge',
      `The source is ${width}×${height} px; each side may be at most ${LIMITS.sourceSide}.`,
    );
  }
  if (width * height > LIMITS.sourcePixels) {
    throw new BosError(
      'ImageTooLarge',
      `The source has ${width * height} pixels; the limit is ${LIMITS.sourcePixels}.`,
    );
  }
  if (width * height * frames > LIMITS.sourcePixels) {
    throw new BosError(
      'ImageTooLarge',
      `The animation has ${width * height * frames} pixels in ${frames} frames; the limit is ${LIMITS.sourcePixels}.`,
    );
  }
}

/** The 9,999 px rule, after every action and for the final image. */
export function checkOutputSide(size: Size, after: string): void {
  if (size.width > LIMITS.outputSide || size.height > LIMITS.outputSide) {
    throw new BosError(
      'ImageTooLarge',
      `The image would be ${size.width}×${size.height} px after ${after}; each side may be at most ${LIMITS.outputSide}.`,
    );
  }
}
