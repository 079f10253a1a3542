import type { RasterImage, Rgba } from '../image';
import { blurAllChannelsInPlace } from '../kernels/effects';
import { stampRgba } from '../wasm/kernels';
import { faceOpen, fullFaceName, renderText, type TextMasks } from '../wasm/text';
import type { FaceName } from './fonts';

/** The text keys of PROTOCOL.md §3.18, parsed. */
export interface TextStyle {
  text: string;
  face: FaceName;
  size: number;
  color: Rgba;
  style: 'normal' | 'italic' | 'bold';
  strokeWidth: number;
  strokeColor: Rgba;
  blur: { radius: number; sigma: number } | undefined;
  effect: 'hardshadow' | 'softshadow' | 'softoutline' | undefined;
  shadow: { x: number; y: number; color: Rgba };
  degrees: number;
}

/** `softoutline` dilates the glyphs by this much (PROTOCOL.md §3.18). */
const OUTLINE_PIXELS = 2;
const DEFAULT_BLUR = { radius: 2, sigma: 2 };

/** A coverage mask painted in one colour, on a canvas `pad` pixels larger on every side. */
function paint(
  mask: Uint8Array,
  masks: TextMasks,
  colour: Rgba,
  canvas: { width: number; height: number },
  offset: { x: number; y: number },
): Uint8Array {
  const out = new Uint8Array(canvas.width * canvas.height * 4);
  for (let y = 0; y < masks.height; y++) {
    for (let x = 0; x < masks.width; x++) {
      const coverage = mask[y * masks.width + x] as number;
      if (coverage === 0) continue;
      const o = ((y + offset.y) * canvas.width + x + offset.x) * 4;
      out[o] = colour.r;
      out[o + 1] = colour.g;
      out[o + 2] = colour.b;
      out[o + 3] = Math.round((coverage * colour.a) / 255);
    }
  }
  return out;
}

/** The mask grown by `radius` pixels (a square max filter: the masks are small). */
function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = 0;
      for (let dy = -radius; dy <= radius && best < 255; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const v = mask[yy * width + xx] as number;
          if (v > best) best = v;
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

/**
 * The text block: effect layer (shadow or outline), stroke, fill, bottom to top, on a transparent
 * canvas as large as their inks (the outlines are turned by FreeType, so text is crisp at any
 * angle). `blr`/`bls` without an effect soften the stroke.
 */
export function textBlock(style: TextStyle): RasterImage {
  // The subset first; the full face (opened only when the subset lacked a character) after it.
  const full = fullFaceName(style.face);
  const faces = faceOpen(full) ? [style.face, full] : [style.face];
  const masks = renderText(faces, style.text, style.size, {
    bold: style.style === 'bold',
    italic: style.style === 'italic',
    strokePixels: style.strokeWidth,
    degrees: style.degrees,
  });
  const blur =
    style.blur ?? (style.effect === 'hardshadow' || !style.effect ? undefined : DEFAULT_BLUR);
  const grow = style.effect === 'softoutline' ? OUTLINE_PIXELS : 0;
  const pad = grow + (blur ? blur.radius : 0);
  const shiftX = style.effect && style.effect !== 'softoutline' ? style.shadow.x : 0;
  const shiftY = style.effect && style.effect !== 'softoutline' ? style.shadow.y : 0;
  const canvas = { width: masks.width + 2 * pad + shiftX, height: masks.height + 2 * pad + shiftY };
  const at = { x: pad, y: pad };
  const layers: Uint8Array[] = [];
  const ink = masks.stroke
    ? masks.fill.map((value, i) => Math.max(value, masks.stroke?.[i] ?? 0))
    : masks.fill;
  if (style.effect) {
    const shape = grow > 0 ? dilate(ink, masks.width, masks.height, grow) : ink;
    const layer = paint(shape, masks, style.shadow.color, canvas, {
      x: at.x + shiftX,
      y: at.y + shiftY,
    });
    if (blur) blurAllChannelsInPlace(layer, canvas, blur.radius, blur.sigma);
    layers.push(layer);
  }
  if (masks.stroke) {
    const layer = paint(masks.stroke, masks, style.strokeColor, canvas, at);
    if (style.blur && !style.effect)
      blurAllChannelsInPlace(layer, canvas, style.blur.radius, style.blur.sigma);
    layers.push(layer);
  }
  layers.push(paint(masks.fill, masks, style.color, canvas, at));
  const [bottom = new Uint8Array(canvas.width * canvas.height * 4), ...above] = layers;
  for (const layer of above) stampRgba(bottom, canvas, layer, canvas, [{ x: 0, y: 0 }]);
  return { ...canvas, hasAlpha: true, frames: [{ data: bottom, delayMs: 0 }] };
}
