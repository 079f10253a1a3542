import type { Size } from '../../src/image';

/**
 * The rotation kernel as it was written in TypeScript (double precision), kept as the reference
 * the wasm SIMD kernel (wasm/kernels/rotate.c) is tested against: an RGBA frame turned clockwise
 * by `degrees` about its centre onto a canvas of `out` size, bilinear on premultiplied pixels,
 * exposed corners `background`, the edge anti-aliased against it.
 */
export function rotateReference(
  data: Uint8Array,
  size: Size,
  degrees: number,
  out: Size,
  background: readonly [number, number, number, number],
): Uint8Array {
  const { width: W, height: H } = size;
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const result = new Uint8Array(out.width * out.height * 4);
  const [bgR, bgG, bgB, bgA] = background;
  const pixel = [0, 0, 0, 0];
  // Premultiplied value of channel c at (x, y); 0 outside (the canvas shows through).
  const sample = (x: number, y: number, weight: number) => {
    if (x < 0 || y < 0 || x >= W || y >= H || weight === 0) return;
    const i = (y * W + x) * 4;
    const a = (data[i + 3] as number) * weight;
    pixel[0] = (pixel[0] as number) + (data[i] as number) * a;
    pixel[1] = (pixel[1] as number) + (data[i + 1] as number) * a;
    pixel[2] = (pixel[2] as number) + (data[i + 2] as number) * a;
    pixel[3] = (pixel[3] as number) + a;
  };
  const cx = W / 2;
  const cy = H / 2;
  const ox = out.width / 2;
  const oy = out.height / 2;
  for (let y = 0, o = 0; y < out.height; y++) {
    const dy = y + 0.5 - oy;
    for (let x = 0; x < out.width; x++, o += 4) {
      const dx = x + 0.5 - ox;
      // Inverse rotation: where this output pixel centre comes from in the source.
      const sx = dx * cos + dy * sin + cx - 0.5;
      const sy = -dx * sin + dy * cos + cy - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= W || y0 >= H) {
        result[o] = bgR;
        result[o + 1] = bgG;
        result[o + 2] = bgB;
        result[o + 3] = bgA;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      pixel[0] = pixel[1] = pixel[2] = pixel[3] = 0;
      sample(x0, y0, (1 - fx) * (1 - fy));
      sample(x0 + 1, y0, fx * (1 - fy));
      sample(x0, y0 + 1, (1 - fx) * fy);
      sample(x0 + 1, y0 + 1, fx * fy);
      // pixel holds Σ w·a·c and Σ w·a (a in 0..255): composite over the background.
      const alpha = (pixel[3] as number) / 255;
      const rest = 1 - alpha;
      const outA = alpha * 255 + rest * bgA;
      if (outA <= 0) continue;
      // Colour = (premultiplied source + premultiplied background) / alpha.
      const bgWeight = (rest * bgA) / outA;
      const srcScale = 1 / outA;
      result[o] = Math.round((pixel[0] as number) * srcScale + bgR * bgWeight);
      result[o + 1] = Math.round((pixel[1] as number) * srcScale + bgG * bgWeight);
      result[o + 2] = Math.round((pixel[2] as number) * srcScale + bgB * bgWeight);
      result[o + 3] = Math.round(outA);
    }
  }
  return result;
}
