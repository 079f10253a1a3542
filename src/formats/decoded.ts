import type { RasterImage } from '../image';
import { anyTransparent } from '../kernels/canvas';

/**
 * A still decoded by a third-party codec as plain RGBA. Its alpha counts only when the header
 * claims alpha and some pixel confirms it, so opaque files stay opaque (and JPEG-able) downstream.
 */
export function decodedStill(
  pixels: { data: Uint8Array; width: number; height: number },
  headerClaimsAlpha: boolean,
): RasterImage {
  return {
    width: pixels.width,
    height: pixels.height,
    hasAlpha: headerClaimsAlpha && anyTransparent(pixels.data),
    frames: [{ data: pixels.data, delayMs: 0 }],
  };
}
