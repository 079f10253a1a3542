import { BosError } from './errors';
import type { Size } from './image';

/** PROTOCOL.md §1.5: every numeric limit in one place, and the checks that enforce them. */
export const LIMITS = {
  sourceBytes: 20 * 1024 * 1024,
  sourceSide: 30_000,
  sourcePixels: 200_000_000,
  outputSide: 9_999,
  outputBytes: 20 * 1024 * 1024,
  actions: 16,
  outputFrames: 20,
} as const;

export function checkSourceBytes(byteLength: number): void {
  if (byteLength > LIMITS.sourceBytes) {
    throw new BosError(
      'ImageTooLarge',
      `The source is ${byteLength} bytes; the limit is ${LIMITS.sourceBytes}.`,
    );
  }
}

/** Source limits of §1.5, from the header alone. */
export function checkSourceLimits(probe: { width: number; height: number; frames: number }): void {
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
