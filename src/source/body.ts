import { checkSourceBytes, LIMITS } from '../limits';
import { giveBack, takeBuffer } from './buffers';

/** A body read on demand: a prefix first (for the plan), then the whole of it, each chunk once. */
export interface BodyReader {
  prefix(length: number): Promise<Uint8Array>;
  all(): Promise<Uint8Array>;
  cancel(): void;
  /** Gives the whole body's buffer back for reuse: the caller no longer refers to its bytes. */
  recycle(): void;
}

/** What one read of a byte stream may fill when no buffer of the final size exists yet. */
const PIECE_BYTES = 1024 * 1024;

/**
 * Reads a stream into one buffer, refusing (and cancelling) as soon as it passes the source limit.
 * With the size known, the body is read into a buffer of that size, so it is held once, never as
 * chunks and a joined copy at the same time.
 *
 * Byte streams (fetch and R2 bodies in workerd) are read with a BYOB reader straight into that
 * buffer: workerd's default reader hands out 4 KiB chunks, one await each (about 450 for a 1.8 MB
 * photo, 6–7 ms), where BYOB reads fill as much as has arrived (3 reads from a loopback origin,
 * about 30 from local R2). Other streams are read with a default reader.
 */
export function bodyReader(
  stream: ReadableStream<Uint8Array>,
  expectedSize: number | undefined,
): BodyReader {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream.
  }
  const reader = byob ?? stream.getReader();
  let chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  let cancelled = false;
  let whole: Promise<Uint8Array> | undefined;
  /** The buffer a sized body was read into whole, while it may be given back. */
  let pooled: ArrayBuffer | undefined;

  /**
   * The next bytes of the body, undefined at its end: a default read's chunk, or what a BYOB read
   * put in a fresh buffer of `room` bytes.
   */
  const next = async (room = PIECE_BYTES): Promise<Uint8Array | undefined> => {
    if (!byob) {
      const { done, value } = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      return done ? undefined : value;
    }
    const { done, value } = await byob.read(new Uint8Array(room));
    if (done || !value) return undefined;
    // A read that filled little of its buffer keeps a copy, not the whole buffer.
    return value.byteLength < room / 2 ? value.slice() : value;
  };

  /** Reads one more chunk; false at the end of the body. */
  const pull = async (room?: number): Promise<boolean> => {
    if (finished) return false;
    const value = await next(room);
    if (!value) {
      finished = true;
      return false;
    }
    total += value.byteLength;
    if (total > LIMITS.sourceBytes) {
      await reader.cancel();
      checkSourceBytes(total);
    }
    chunks.push(value);
    return true;
  };

  const join = (length: number): Uint8Array => {
    if (chunks.length === 1 && chunks[0] && chunks[0].byteLength === length) return chunks[0];
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      if (offset >= length) break;
      const part = chunk.subarray(0, length - offset);
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  };

  /** The rest after a body turned out longer than announced: joined, within the limit. */
  const overflow = async (read: Uint8Array, extra: Uint8Array): Promise<Uint8Array> => {
    chunks = [read, extra];
    total = read.byteLength + extra.byteLength;
    if (total > LIMITS.sourceBytes) {
      await reader.cancel();
      checkSourceBytes(total);
    }
    while (await pull());
    return join(total);
  };

  const readAll = async (): Promise<Uint8Array> => {
    if (expectedSize !== undefined) checkSourceBytes(expectedSize);
    // Sized: fill one buffer (a body longer than announced falls back to joining).
    if (expectedSize !== undefined && total <= expectedSize) {
      let out = takeBuffer(expectedSize);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.byteLength;
      }
      chunks = [];
      while (!finished) {
        if (offset === expectedSize) {
          // Full: the body must end here.
          const extra = await next(1);
          if (!extra) break;
          return overflow(out.subarray(0, offset), extra);
        }
        if (byob) {
          // The buffer is transferred to the read and comes back in `value` (empty at the end).
          const { done, value } = await byob.read(out.subarray(offset));
          // (A BYOB read hands back the ArrayBuffer it was given, never a shared one.)
          if (value) out = new Uint8Array(value.buffer as ArrayBuffer, 0, expectedSize);
          if (done || !value) break;
          offset += value.byteLength;
          continue;
        }
        const value = await next();
        if (!value) break;
        if (offset + value.byteLength > expectedSize) {
          return overflow(out.subarray(0, offset), value);
        }
        out.set(value, offset);
        offset += value.byteLength;
      }
      finished = true;
      pooled = out.buffer;
      return offset === expectedSize ? out : out.subarray(0, offset);
    }
    while (await pull());
    const out = join(total);
    chunks = [out];
    return out;
  };

  return {
    async prefix(length) {
      while (total < length && (await pull(Math.max(length - total, 4096))));
      return join(Math.min(length, total));
    },
    all: () => (whole ??= readAll()),
    cancel() {
      if (cancelled || finished) return;
      cancelled = true;
      void reader.cancel().catch(() => undefined);
    },
    recycle() {
      if (pooled) giveBack(pooled);
      pooled = undefined;
    },
  };
}
