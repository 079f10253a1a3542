/**
 * Source buffers, reused across the isolate's requests. A source read whole (up to 20 MB) is
 * garbage once its render ends, and V8 collects ArrayBuffers only when their external memory
 * passes its own thresholds: 40 mixed requests at once left up to 74 MiB of finished sources
 * uncollected, beside the renders admitted in their place. A render that is done with its source
 * gives the buffer back here, and the next source of a similar size is read into it.
 *
 * The pool is bounded (what it keeps idle is taken from the admission capacity, like the codecs'
 * idle memory), keeps only buffers of at least 256 KiB (smaller ones are cheap garbage), hands a
 * buffer out only for a size between 3/4 and all of it, so little of it goes unused, and lets go
 * of a buffer nobody asked for in 30 s, so a quiet isolate does not keep its budget reduced.
 */

const MIB = 1024 * 1024;
/** Idle bytes the pool keeps at most; a buffer given back past this is let go. */
const POOL_BYTES = 24 * MIB;
const SMALLEST_POOLED = 256 * 1024;
/** Sizes are rounded up to this, so sources of nearly the same size share buffers. */
const GRAIN = 64 * 1024;
/** A buffer idle this long is let go at the pool's next use. */
const IDLE_MS = 30_000;

interface IdleBuffer {
  buffer: ArrayBuffer;
  since: number;
}

/** Largest first. */
let idle: IdleBuffer[] = [];
let idleBytes = 0;

function letGoStale(now: number): void {
  if (!idle.some((entry) => now - entry.since > IDLE_MS)) return;
  idle = idle.filter((entry) => now - entry.since <= IDLE_MS);
  idleBytes = idle.reduce((sum, entry) => sum + entry.buffer.byteLength, 0);
}

/** A view of exactly `size` bytes on a pooled buffer, or on a new one. */
export function takeBuffer(size: number, now = Date.now()): Uint8Array<ArrayBuffer> {
  if (size < SMALLEST_POOLED) return new Uint8Array(size);
  letGoStale(now);
  let best = -1;
  for (let i = 0; i < idle.length; i++) {
    const length = (idle[i] as IdleBuffer).buffer.byteLength;
    // Largest first: the last that fits is the smallest that fits.
    if (length >= size && length * 0.75 <= size) best = i;
  }
  if (best >= 0) {
    const [{ buffer }] = idle.splice(best, 1) as [IdleBuffer];
    idleBytes -= buffer.byteLength;
    return new Uint8Array(buffer, 0, size);
  }
  return new Uint8Array(new ArrayBuffer(Math.ceil(size / GRAIN) * GRAIN), 0, size);
}

/**
 * Takes back a buffer nothing refers to any more (the caller's promise). Past the pool's bound,
 * the smallest idle buffers are let go first: large sources are where the garbage hurts.
 */
export function giveBack(buffer: ArrayBuffer, now = Date.now()): void {
  if (buffer.byteLength < SMALLEST_POOLED || buffer.byteLength > POOL_BYTES) return;
  if (idle.some((entry) => entry.buffer === buffer)) return;
  letGoStale(now);
  idle.push({ buffer, since: now });
  idleBytes += buffer.byteLength;
  idle.sort((a, b) => b.buffer.byteLength - a.buffer.byteLength);
  while (idleBytes > POOL_BYTES) {
    const smallest = idle.pop() as IdleBuffer;
    idleBytes -= smallest.buffer.byteLength;
  }
}

/** Bytes the pool holds idle (the admission takes them from its capacity). */
export function pooledBufferBytes(now = Date.now()): number {
  letGoStale(now);
  return idleBytes;
}
