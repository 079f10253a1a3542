import { autoOrient } from './auto-orient';
import { blur } from './blur';
import { bright } from './bright';
import { circle } from './circle';
import { contrast } from './contrast';
import { crop } from './crop';
import type { RegisteredAction } from './define';
import { format } from './format';
import { grayscale } from './grayscale';
import { indexcrop } from './indexcrop';
import { info } from './info';
import { interlace } from './interlace';
import { quality } from './quality';
import { resize } from './resize';
import { rotate } from './rotate';
import { roundedCorners } from './rounded-corners';
import { sharpen } from './sharpen';
import { strip } from './strip';
import { watermark } from './watermark';

/**
 * The one list of actions. The parser's output is bound against it; each entry carries its
 * parameter grammar, its geometry for the planner and its pixel function for the executor.
 */
export const ACTIONS: ReadonlyMap<string, RegisteredAction> = new Map(
  [
    resize,
    crop,
    indexcrop,
    circle,
    roundedCorners,
    rotate,
    autoOrient,
    bright,
    contrast,
    sharpen,
    blur,
    grayscale,
    format,
    quality,
    interlace,
    strip,
    info,
    watermark,
  ].map((action) => [action.name, action]),
);

/** Recognised BOS "intelligent" actions, refused whatever their parameters (PROTOCOL.md §3.19). */
export const UNSUPPORTED_ACTIONS: ReadonlySet<string> = new Set([
  'dehaze',
  'contrast-enhance',
  'color-enhance',
  'quality-enhance',
  'definition-enhance',
  'colourize',
  'stretch-restore',
  'selfie-anime',
  'style-trans',
  'blind-watermark',
]);
