import { describe, expect, it } from 'vitest';
import { giveBack, pooledBufferBytes, takeBuffer } from '../../src/source/buffers';

const MIB = 1024 * 1024;

/**
 * Empties the pool (module state, shared by the tests of this file): asked a minute from now,
 * every idle buffer has passed its 30 s.
 */
function drain(): void {
  pooledBufferBytes(Date.now() + 60_000);
}

describe('source buffer pool', () => {
  it('hands a given-back buffer to the next source of a similar size, never a smaller one', () => {
    const first = takeBuffer(3 * MIB + 5);
    expect(first.byteLength).toBe(3 * MIB + 5);
    first.fill(7);
    giveBack(first.buffer);
    expect(pooledBufferBytes()).toBe(first.buffer.byteLength);
    // Too small for it (less than 3/4 of the buffer would be used): a new buffer.
    const small = takeBuffer(2 * MIB);
    expect(small.buffer).not.toBe(first.buffer);
    // Larger than it: a new buffer.
    expect(takeBuffer(3 * MIB + 70 * 1024).buffer).not.toBe(first.buffer);
    // Within it: the same memory, a view of exactly the size asked for.
    const reused = takeBuffer(3 * MIB);
    expect(reused.buffer).toBe(first.buffer);
    expect(reused.byteLength).toBe(3 * MIB);
    expect(pooledBufferBytes()).toBe(0);
  });

  it('keeps small buffers out and stays within its bound, letting the smallest go first', () => {
    drain();
    giveBack(new ArrayBuffer(100 * 1024));
    expect(pooledBufferBytes()).toBe(0);
    const sizes = [10, 9, 8, 1].map((n) => n * MIB);
    for (const size of sizes) giveBack(new ArrayBuffer(size));
    // The bound is 24 MiB: when the 8 MiB buffer came back on top of 19, it was the smallest
    // and was let go; the 1 MiB one fits.
    expect(pooledBufferBytes()).toBe(20 * MIB);
    // The smallest buffer that fits: 9 MiB for 8 (10 would fit too).
    expect(takeBuffer(8 * MIB).buffer.byteLength).toBe(9 * MIB);
    expect(pooledBufferBytes()).toBe(11 * MIB);
    // Giving the same buffer back twice does not count it twice.
    const buffer = new ArrayBuffer(MIB);
    giveBack(buffer);
    giveBack(buffer);
    expect(pooledBufferBytes()).toBe(12 * MIB);
  });

  it('lets go of a buffer nobody asked for in 30 s', () => {
    drain();
    const now = Date.now();
    giveBack(new ArrayBuffer(4 * MIB), now);
    giveBack(new ArrayBuffer(2 * MIB), now + 20_000);
    expect(pooledBufferBytes(now + 29_000)).toBe(6 * MIB);
    // The 4 MiB buffer has been idle past 30 s; the 2 MiB one has not.
    expect(pooledBufferBytes(now + 31_000)).toBe(2 * MIB);
    expect(takeBuffer(4 * MIB - 100, now + 31_000).buffer.byteLength).toBe(4 * MIB);
    expect(pooledBufferBytes(now + 31_000)).toBe(2 * MIB);
  });
});
