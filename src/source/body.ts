import { checkSourceBytes, LIMITS } from '../limits';

/** A body read on demand: a prefix first (for the plan), then the whole of it, each chunk once. */
export interface BodyReader {
  prefix(length: number): Promise<Uint8Array>;
  all(): Promise<Uint8Array>;
  cancel(): void;
}

/**
 * Reads a stream into one buffer, refusing (and cancelling) as soon as it passes the source limit.
 * With the size known, chunks are copied into a buffer of that size as they arrive, so the whole
 * body is held once, never as chunks and a joined copy at the same time.
 */
export function bodyReader(
  stream: ReadableStream<Uint8Array>,
  expectedSize: number | undefined,
): BodyReader {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  let cancelled = false;
  let whole: Promise<Uint8Array> | undefined;

  /** Reads one more chunk; false at the end of the body. */
  const pull = async (): Promise<boolean> => {
    if (finished) return false;
    const { done, value } = await reader.read();
    if (done) {
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

  const readAll = async (): Promise<Uint8Array> => {
    if (expectedSize !== undefined) checkSourceBytes(expectedSize);
    // Sized: fill one buffer as chunks arrive (a body longer than announced falls back to joining).
    if (expectedSize !== undefined && total <= expectedSize) {
      const out = new Uint8Array(expectedSize);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.byteLength;
      }
      chunks = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (offset + value.byteLength > expectedSize) {
          chunks = [out.subarray(0, offset), value];
          total = offset + value.byteLength;
          while (await pull());
          return join(total);
        }
        out.set(value, offset);
        offset += value.byteLength;
      }
      finished = true;
      return offset === expectedSize ? out : out.subarray(0, offset);
    }
    while (await pull());
    const out = join(total);
    chunks = [out];
    return out;
  };

  return {
    async prefix(length) {
      while (total < length && (await pull()));
      return join(Math.min(length, total));
    },
    all: () => (whole ??= readAll()),
    cancel() {
      if (cancelled || finished) return;
      cancelled = true;
      void reader.cancel().catch(() => undefined);
    },
  };
}
