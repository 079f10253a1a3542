import { formatModule } from '../formats/registry';
import { mapFrames, type RasterImage } from '../image';
import { applyOrientation, uprightToStored } from '../kernels/orient';
import { rotateFrame, rotatedSize } from '../kernels/rotation';
import { defineAction } from './define';
import { int, required } from './params';

/** Clockwise right angles as the EXIF orientation that performs them (an exact transpose). */
const RIGHT_ANGLES: Record<number, number> = { 90: 6, 180: 3, 270: 8 };

/** Degrees clockwise in [0, 360). */
const normalise = (degrees: number) => ((degrees % 360) + 360) % 360;

export const rotate = defineAction({
  name: 'rotate',
  stage: 'pixels',
  params: { a: required(int(-360, 360)) },
  // `rotate,90` is an alias of `rotate,a_90` (PROTOCOL.md §3.6).
  bareKey: 'a',
  outputSize: (input, args) => {
    const degrees = normalise(args.a);
    if (degrees === 0 || degrees === 180) return input;
    if (degrees === 90 || degrees === 270) return { width: input.height, height: input.width };
    return rotatedSize(input, degrees);
  },
  // Any other angle: the rotation kernel holds a copy of one input frame in its module meanwhile.
  extraMemory: (args, { input }) =>
    RIGHT_ANGLES[normalise(args.a)] === undefined && normalise(args.a) !== 0
      ? input.width * input.height * 4
      : 0,
  // A quarter turn moves a reduced view along (applyOrientation maps it), so what the next action
  // needs passes through, turned back onto this action's input.
  forwardNeeds: (input, args, downstream) => {
    const degrees = normalise(args.a);
    if (degrees === 0) return downstream;
    const orientation = RIGHT_ANGLES[degrees];
    if (orientation === undefined) return undefined;
    if (!downstream.region) return { scale: downstream.scale };
    return {
      scale: downstream.scale,
      region: uprightToStored(downstream.region, input, orientation),
    };
  },
  apply: async (image, args, context): Promise<RasterImage> => {
    const degrees = normalise(args.a);
    if (degrees === 0) return image;
    const orientation = RIGHT_ANGLES[degrees];
    if (orientation !== undefined) return applyOrientation(image, orientation);
    // Exposed corners: transparent only when both the output and the source can be (§3.6).
    const transparent = image.hasAlpha && formatModule(context.outputFormat).keepsAlpha;
    const background = transparent ? ([0, 0, 0, 0] as const) : ([255, 255, 255, 255] as const);
    const size = rotatedSize(image, degrees);
    return mapFrames(
      image,
      size,
      (data) => rotateFrame(data, image, degrees, size, background),
      image.hasAlpha,
    );
  },
});
