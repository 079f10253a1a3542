import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { GifReader } from 'omggif';
import { BosError } from '../../errors';
import type { Frame, RasterImage } from '../../image';
import { anyTransparent } from '../../kernels/canvas';
import { blitFrame } from './lzw';

/**
 * Decodes up to `maxFrames` frames, each composited onto the canvas as a viewer shows it
 * (GIF frames are patches with disposal rules, not whole pictures). omggif reads the structure;
 * the pixels go through our bounded LZW decoder (./lzw.ts). A corrupt frame ends the animation
 * with the frames before it; a corrupt first frame is a 400, never a partial picture.
 */
export function decodeGif(bytes: Uint8Array, maxFrames: number): RasterImage {
  const reader = new GifReader(bytes);
  const { width, height } = reader;
  const count = Math.min(reader.numFrames(), maxFrames);
  let canvas = new Uint8Array(width * height * 4);
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) {
    const info = reader.frameInfo(i);
    const previous = info.disposal === 3 ? canvas.slice() : undefined;
    if (!blitFrame(bytes, info, canvas, width, height)) {
      if (frames.length === 0) {
        throw new BosError('UnsupportedImageFormat', 'The GIF data is corrupt or truncated.');
      }
      break;
    }
    // GIF delays are in centiseconds; browsers treat 0 and 1 as 10 (100 ms).
    frames.push({ data: canvas.slice(), delayMs: info.delay <= 1 ? 100 : info.delay * 10 });
    if (info.disposal === 2) {
      for (let y = info.y; y < Math.min(height, info.y + info.height); y++) {
        canvas.fill(
          0,
          (y * width + info.x) * 4,
          (y * width + Math.min(width, info.x + info.width)) * 4,
        );
      }
    } else if (previous) {
      canvas = previous;
    }
  }
  // NETSCAPE2.0 stores the repeats after the first play (0 forever); without it a GIF plays once.
  const repeats = reader.loopCount();
  const plays = repeats === null ? 1 : repeats === 0 ? 0 : repeats + 1;
  return {
    width,
    height,
    frames,
    hasAlpha: frames.some((frame) => anyTransparent(frame.data)),
    ...(frames.length > 1 ? { loopCount: plays } : {}),
  };
}

/**
 * Encodes every frame with its own 256-colour palette (PNN quantiser). Alpha is 1-bit as GIF
 * allows: below 128 is transparent (PROTOCOL.md §7.2).
 */
export function encodeGif(image: RasterImage): Uint8Array {
  const encoder = GIFEncoder();
  const format = image.hasAlpha ? 'rgba4444' : 'rgb565';
  // gifenc's repeat: -1 plays once (no NETSCAPE2.0), 0 forever, n repeats after the first play.
  const plays = image.loopCount ?? 0;
  const repeat = plays === 0 ? 0 : plays === 1 ? -1 : Math.min(plays - 1, 0xffff);
  for (const frame of image.frames) {
    // gifenc reads `data.buffer` from its start: give it a buffer of its own.
    const data =
      frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength
        ? frame.data
        : frame.data.slice();
    const palette = quantize(data, 256, { format, oneBitAlpha: 127 });
    const index = applyPalette(data, palette, format);
    const transparentIndex = image.hasAlpha ? palette.findIndex((colour) => colour[3] === 0) : -1;
    encoder.writeFrame(index, image.width, image.height, {
      palette,
      delay: image.frames.length > 1 ? frame.delayMs : 0,
      repeat,
      ...(transparentIndex >= 0 ? { transparent: true, transparentIndex } : {}),
    });
  }
  encoder.finish();
  return encoder.bytes();
}
