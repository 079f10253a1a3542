import type { Size } from '../image';
import { rotateRgba } from '../wasm/kernels';

/** PROTOCOL.md §3.6: the bounding box of a W×H image turned by `degrees`. */
export function rotatedSize(input: Size, degrees: number): Size {
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.abs(Math.cos(theta));
  const sin = Math.abs(Math.sin(theta));
  // Rounded to 1e-9 first so that exact products (600·cos 60° = 300) do not ceil up.
  const side = (value: number) => Math.max(1, Math.ceil(Math.round(value * 1e9) / 1e9));
  return {
    width: side(input.width * cos + input.height * sin),
    height: side(input.width * sin + input.height * cos),
  };
}

/**
 * Turns an RGBA frame clockwise by `degrees` about its centre onto a canvas of `out` size, with
 * bilinear interpolation on premultiplied pixels (no dark fringes at transparent edges). Exposed
 * corners take `background` (premultiplied: transparent is all zero); the image edge is
 * anti-aliased against it. In wasm SIMD (wasm/kernels/rotate.c); the module holds a copy of the
 * frame meanwhile (see the rotate action's extra memory).
 */
export const rotateFrame = rotateRgba;
