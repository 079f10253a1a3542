import fonts from '../../fonts/manifest.json';
import type { FaceName } from '../actions/fonts';
import { BosError } from '../errors';

/**
 * The watermark faces live in the bucket (built by fonts/build.sh, put there by `npm start` and
 * `npm run fonts:upload`): `fonts/<version>/<face>.otf`, the subset every font loads first, and
 * `fonts/<version>/full/<face>.<ttf|ttc>`, read only for a character the subset lacks. The
 * version enters the ETag of every response that draws text.
 */
export const FONTS_VERSION: string = fonts.version;

/** Face index of the full faces in their collections (2: Simplified Chinese in Noto's .ttc). */
const FULL_FACES: Record<FaceName, { file: string; index: number }> = {
  serif: { file: 'serif.ttc', index: 2 },
  sans: { file: 'sans.ttc', index: 2 },
  kai: { file: 'kai.ttf', index: 0 },
  mono: { file: 'mono.ttf', index: 0 },
};

export const subsetKey = (face: FaceName) => `fonts/${FONTS_VERSION}/${face}.otf`;
export const fullFaceKey = (face: FaceName) =>
  `fonts/${FONTS_VERSION}/full/${FULL_FACES[face].file}`;
export const fullFaceIndex = (face: FaceName) => FULL_FACES[face].index;

/** What the pipeline asks for a face's bytes: the subset, or the full face. */
export type FontLoader = (face: FaceName, full: boolean) => Promise<Uint8Array | undefined>;

/**
 * Reads faces from the bucket. A missing subset is a deployment error naming the object
 * (500 FontNotInstalled, PROTOCOL.md §2.2); a missing full face is not (the subset draws
 * missing-glyph boxes instead), so deployments may skip the large files.
 */
export function bucketFonts(bucket: R2Bucket): FontLoader {
  return async (face, full) => {
    const key = full ? fullFaceKey(face) : subsetKey(face);
    const object = await bucket.get(key);
    if (!object) {
      if (full) return undefined;
      throw new BosError(
        'FontNotInstalled',
        `The font object ${key} is not in the bucket; run npm run fonts:upload.`,
      );
    }
    return new Uint8Array(await object.arrayBuffer());
  };
}
