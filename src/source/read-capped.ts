import { checkSourceBytes, LIMITS } from '../limits';

/** Reads a stream into one buffer, refusing (and cancelling) as soon as it passes the limit. */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  expectedSize: number | undefined,
): Promise<Uint8Array> {
  if (expectedSize !== undefined) checkSourceBytes(expectedSize);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > LIMITS.sourceBytes) {
      await reader.cancel();
      checkSourceBytes(total);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
