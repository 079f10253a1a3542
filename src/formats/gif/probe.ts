import type { ImageProbe } from '../types';
import { dataView, truncated } from '../probe-helpers';

/**
 * Walks the blocks to the trailer, counting frames: each step moves past a length byte read from
 * the file, so the walk ends within its length.
 */
export function probeGif(bytes: Uint8Array): ImageProbe {
  const view = dataView(bytes);
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const flags = bytes[10] as number;
  let pos = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  let frames = 0;
  let hasAlpha = false;
  const skipSubBlocks = () => {
    for (;;) {
      const size = bytes[pos];
      if (size === undefined) throw truncated();
      pos += 1 + size;
      if (size === 0) return;
    }
  };
  for (;;) {
    const block = bytes[pos];
    if (block === undefined) throw truncated();
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[pos + 1] === 0xf9 && ((bytes[pos + 3] as number) & 1) === 1) hasAlpha = true;
      pos += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      frames++;
      const localFlags = bytes[pos + 9] as number;
      pos += 10 + (localFlags & 0x80 ? 3 << ((localFlags & 7) + 1) : 0) + 1;
      skipSubBlocks();
    } else {
      throw truncated();
    }
  }
  if (frames === 0 || width === 0 || height === 0) throw truncated();
  return {
    format: 'gif',
    width,
    height,
    frames,
    orientation: undefined,
    jpegQuality: undefined,
    hasAlpha,
  };
}
