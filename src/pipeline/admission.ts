import { BosError } from '../errors';
import { pooledBufferBytes } from '../source/buffers';
import { heldWasmBytes } from '../wasm/loader';

/**
 * Memory admission for the whole isolate: the requests it serves at once share its memory, so each
 * render reserves its predicted peak (less the isolate's own base, counted once) before it decodes,
 * and waits its turn when the sum would pass the budget. The queue and the wait are bounded: past
 * them the request answers 503 with Retry-After and costs nothing more. A single request larger
 * than the whole budget never gets here: the planner refuses it from its header. What codec
 * instances keep between requests (wasm memory only grows) and the idle source buffers kept for
 * reuse (source/buffers.ts) are taken from the capacity, so a request is not promised memory an
 * earlier one left behind.
 */
export interface Admission {
  /** Resolves with the release once `bytes` fit; 503 when the queue is full or the wait too long. */
  reserve(bytes: number): Promise<() => void>;
  /** The release when `bytes` fit now (nobody waiting ahead), else undefined. */
  tryReserve(bytes: number): (() => void) | undefined;
  /** Bytes reserved now, and requests waiting (for tests and logs). */
  state(): { reserved: number; waiting: number };
}

interface Waiter {
  bytes: number;
  admit: () => void;
}

export function createAdmission(
  capacity: number,
  maxWaiting: number,
  maxWaitMs: number,
  /** Memory held outside any reservation (idle codec instances), taken from the capacity. */
  held: () => number = () => 0,
): Admission {
  let reserved = 0;
  const fits = (bytes: number) => reserved === 0 || reserved + bytes <= capacity - held();
  const queue: Waiter[] = [];
  const busy = () => new BosError('ServiceUnavailable', 'The service is busy; please retry.');

  /** First come, first served: a large request at the head is not overtaken forever. */
  const admitWaiting = () => {
    while (queue.length > 0) {
      const head = queue[0] as Waiter;
      if (!fits(head.bytes)) return;
      queue.shift();
      reserved += head.bytes;
      head.admit();
    }
  };

  const releaser = (bytes: number) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      reserved -= bytes;
      admitWaiting();
    };
  };

  const tryReserve = (bytes: number) => {
    const amount = Math.max(0, Math.min(bytes, capacity));
    if (queue.length > 0 || !fits(amount)) return undefined;
    reserved += amount;
    return releaser(amount);
  };

  return {
    state: () => ({ reserved, waiting: queue.length }),
    tryReserve,
    reserve(bytes) {
      const amount = Math.max(0, Math.min(bytes, capacity));
      const now = tryReserve(amount);
      if (now) return Promise.resolve(now);
      if (queue.length >= maxWaiting) return Promise.reject(busy());
      return new Promise((resolve, reject) => {
        const waiter: Waiter = { bytes: amount, admit: () => {} };
        const timer = setTimeout(() => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(busy());
          // Those behind it may fit now.
          admitWaiting();
        }, maxWaitMs);
        waiter.admit = () => {
          clearTimeout(timer);
          resolve(releaser(amount));
        };
        queue.push(waiter);
      });
    },
  };
}

/** Requests that may wait for memory at once, and how long each may wait. */
const MAX_WAITING = 32;
const MAX_WAIT_MS = 10_000;

let shared: { capacity: number; admission: Admission } | undefined;

/** The isolate's admission for a budget (module state: one per isolate, as memory is). */
export function isolateAdmission(capacity: number): Admission {
  if (shared?.capacity !== capacity) {
    const admission = createAdmission(
      capacity,
      MAX_WAITING,
      MAX_WAIT_MS,
      () => heldWasmBytes() + pooledBufferBytes(),
    );
    shared = { capacity, admission };
  }
  return shared.admission;
}
