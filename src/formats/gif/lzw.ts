import type { Frame as GifFrame } from 'omggif';

/**
 * GIF's LZW decoding with every loop bounded, replacing omggif's (whose dictionary chase never
 * ends on some corrupt streams: `gif-endless-lzw.gif`). Each step consumes at least one code from
 * the file and a chase is at most the table's 4096 entries, so the work is bounded by the input's
 * length and the frame's declared size.
 */

const TABLE_SIZE = 4096;

/**
 * Decodes the LZW data at `start` (its minimum code size byte, then sub-blocks) into palette
 * indices, at most `output.length` of them. Returns how many were decoded; fewer than expected
 * (or -1 for a stream that breaks the format) means the frame is corrupt or truncated.
 */
export function decodeIndices(data: Uint8Array, start: number, output: Uint8Array): number {
  let p = start;
  const minimum = data[p++] ?? 0;
  if (minimum < 1 || minimum > 11) return -1;
  const clear = 1 << minimum;
  const end = clear + 1;
  const prefix = new Int16Array(TABLE_SIZE);
  const suffix = new Uint8Array(TABLE_SIZE);
  const stack = new Uint8Array(TABLE_SIZE + 1);
  for (let i = 0; i < clear; i++) suffix[i] = i;
  let next = end + 1;
  let size = minimum + 1;
  let previous = -1;
  let first = 0;
  let bits = 0;
  let held = 0;
  let block = data[p++] ?? 0;
  let written = 0;
  for (;;) {
    while (held < size && block > 0 && p < data.length) {
      bits |= (data[p++] as number) << held;
      held += 8;
      if (--block === 0) block = data[p++] ?? 0;
    }
    if (held < size) return written;
    const code = bits & ((1 << size) - 1);
    bits >>>= size;
    held -= size;
    if (code === clear) {
      next = end + 1;
      size = minimum + 1;
      previous = -1;
      continue;
    }
    if (code === end) return written;
    if (previous < 0) {
      if (code > clear) return -1;
      if (written >= output.length) return written;
      output[written++] = code;
      previous = first = code;
      continue;
    }
    if (code > next) return -1;
    let depth = 0;
    let chase = code;
    if (code === next) {
      // KwKwK: the entry being defined is the previous one plus its own first index.
      stack[depth++] = first;
      chase = previous;
    }
    while (chase > clear) {
      if (depth >= TABLE_SIZE) return -1;
      stack[depth++] = suffix[chase] as number;
      chase = prefix[chase] as number;
    }
    first = chase;
    stack[depth++] = first;
    while (depth > 0 && written < output.length) output[written++] = stack[--depth] as number;
    if (written >= output.length) return written;
    if (next < TABLE_SIZE) {
      prefix[next] = previous;
      suffix[next] = first;
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    previous = code;
  }
}

/** The rows of an interlaced frame in stored order: passes every 8th from 0, 4, then 4th, 2nd. */
function interlacedRows(height: number): number[] {
  const rows: number[] = [];
  for (const [from, step] of [
    [0, 8],
    [4, 8],
    [2, 4],
    [1, 2],
  ] as const) {
    for (let row = from; row < height; row += step) rows.push(row);
  }
  return rows;
}

/**
 * Draws one frame's indices onto the RGBA canvas (`width` wide), clipped to it; the transparent
 * index leaves the canvas as it is. False when the frame's data is corrupt or short.
 */
export function blitFrame(
  data: Uint8Array,
  frame: GifFrame,
  canvas: Uint8Array,
  width: number,
  height: number,
): boolean {
  const pixels = frame.width * frame.height;
  const indices = new Uint8Array(pixels);
  if (decodeIndices(data, frame.data_offset, indices) !== pixels) return false;
  const palette = frame.palette_offset;
  if (palette === null) return false;
  const colours = frame.palette_size ?? 0;
  const transparent = frame.transparent_index ?? -1;
  const rows = frame.interlaced ? interlacedRows(frame.height) : undefined;
  for (let i = 0; i < frame.height; i++) {
    const y = frame.y + (rows ? (rows[i] as number) : i);
    if (y >= height) continue;
    for (let column = 0; column < frame.width; column++) {
      const x = frame.x + column;
      if (x >= width) break;
      const index = indices[i * frame.width + column] as number;
      if (index === transparent || index >= colours) continue;
      const o = (y * width + x) * 4;
      const c = palette + index * 3;
      canvas[o] = data[c] as number;
      canvas[o + 1] = data[c + 1] as number;
      canvas[o + 2] = data[c + 2] as number;
      canvas[o + 3] = 255;
    }
  }
  return true;
}
