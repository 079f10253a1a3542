import type { Size } from '../image';

/** A wasm consumer of RGBA rows: where it wants them, how many at a time, and what eats them. */
export interface StripConsumer {
  /** Its memory, read afresh for every strip: a growing memory replaces the buffer. */
  heap(): Uint8Array;
  /** Address of the strip buffer inside `heap()`. */
  strip: number;
  stripRows: number;
  /** Consumes that many rows from the strip buffer; false when it failed. */
  push(rows: number): boolean;
}

/**
 * Feeds an RGBA frame to a wasm consumer strip by strip, so the frame is never copied into its
 * memory whole (a 12 MP frame would add 48 MB to the request's peak). False if a push failed.
 */
export function feedStrips(data: Uint8Array, size: Size, consumer: StripConsumer): boolean {
  const rowBytes = size.width * 4;
  for (let y = 0; y < size.height; y += consumer.stripRows) {
    const rows = Math.min(consumer.stripRows, size.height - y);
    consumer.heap().set(data.subarray(y * rowBytes, (y + rows) * rowBytes), consumer.strip);
    if (!consumer.push(rows)) return false;
  }
  return true;
}
