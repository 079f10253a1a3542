/**
 * Source buffers, reused across the isolate's requests. A source read whole (up to 20 MB) is
 * garbage once its render ends, and V8 collects ArrayBuffers only when their external memory
 * passes its own thresholds: 40 mixed requests at once left up to 74 MiB of finished sources
 * uncollected, beside the renders admitted in their place. A render that is done with its source
 * gives the buffer back here, and the next source of a similar size is read into it.
 *
 * The pool is bounded (what it keeps idle is taken from the admission capacity, like the codecs'
 * idle memory), keeps only buffers of at least 256 KiB (smaller ones are cheap garbage), and
 * hands a buffer out only for a size between 3/4 and all of it, so little of it goes unused.
 */

const MIB = 1024 * 1024;
/** Idle bytes the pool keeps at most; a buffer given back past this is let go. */
const POOL_BYTES = 24 * MIB;
const SMALLEST_POOLED = 256 * 1024;
/** Sizes are rounded up to this, so sources of nearly the same size share buffers. */
const GRAIN = 64 * 1024;

const idle: ArrayBuffer[] = [];
let idleBytes = 0;

/** A view of exactly `size` bytes on a pooled buffer, or on a new one. */
export function takeBuffer(size: number): Uint8Array<ArrayBuffer> {
  if (size >= SMALLEST_POOLED) {
    let best = -1;
    for (let i = 0; i < idle.length; i++) {
      const length = (idle[i] as ArrayBuffer).byteLength;
      if (length >= size && length * 0.75 <= size) {
        if (best < 0 || length < (idle[best] as ArrayBuffer).byteLength) best = i;
      }
    }
    if (best >= 0) {
      const [buffer] = idle.splice(best, 1) as [ArrayBuffer];
      idleBytes -= buffer.byteLength;
      return new Uint8Array(buffer, 0, size);
    }
    return new Uint8Array(new ArrayBuffer(Math.ceil(size / GRAIN) * GRAIN), 0, size);
  }
  return new Uint8Array(size);
}

/**
 * Takes back a buffer nothing refers to any more (the caller's promise). Past the pool's bound,
 * the smallest idle buffers are let go first: large sources are where the garbage hurts.
 */
export function giveBack(buffer: ArrayBuffer): void {
  if (buffer.byteLength < SMALLEST_POOLED || buffer.byteLength > POOL_BYTES) return;
  if (buffer.byteLength === 0 || idle.includes(buffer)) return;
  idle.push(buffer);
  idleBytes += buffer.byteLength;
  idle.sort((a, b) => b.byteLength - a.byteLength);
  while (idleBytes > POOL_BYTES) {
    const smallest = idle.pop() as ArrayBuffer;
    idleBytes -= smallest.byteLength;
  }
}

/** Bytes the pool holds idle (the admission takes them from its capacity). */
export function pooledBufferBytes(): number {
  return idleBytes;
}
