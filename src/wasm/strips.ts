import type { RowSource } from '../image';

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
 * Feeds rows to a wasm consumer strip by strip, so a frame is never copied into its memory whole
 * (a 12 MP frame would add 48 MB to the request's peak), and rows streamed from a decoder never
 * make a frame at all. False if a push failed.
 */
export function feedStrips(rows: RowSource, consumer: StripConsumer): boolean {
  for (let y = 0; y < rows.height; y += consumer.stripRows) {
    const count = Math.min(consumer.stripRows, rows.height - y);
    consumer.heap().set(rows.next(count), consumer.strip);
    if (!consumer.push(count)) return false;
  }
  return true;
}
