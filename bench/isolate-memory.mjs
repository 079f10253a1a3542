// What the Worker's own isolate holds, as the platform counts it against its 128 MiB: V8's heap,
// the ArrayBuffers it keeps alive, and the wasm memories. The workerd process's resident set
// (the bench's other measure) also holds what a deployed isolate never does: the local R2 and KV
// simulators and Miniflare's entry worker (their isolates and native buffers), the HTTP
// buffers between them, and compiled code.
import { createServer } from 'node:net';
import WebSocket from 'ws';

/** A free TCP port on loopback, for workerd's inspector. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Samples the user worker's heap through workerd's inspector (`Runtime.getHeapUsage`: used heap
 * and ArrayBuffer backing stores) until `stop()`, which returns the peaks in bytes. Wasm memories
 * are not among the backing stores it reports; the Worker's request log gives them.
 */
export async function watchIsolateHeap(inspectorPort, intervalMs = 5) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  // Miniflare names the user worker's isolate `core:user:<name>` (empty name here).
  const target = targets.find((t) => /core:user:/.test(t.title));
  if (!target) throw new Error(`no user worker among ${targets.map((t) => t.title).join(', ')}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 0;
  const pending = new Map();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  const heapUsage = () =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method: 'Runtime.getHeapUsage' }));
    });
  const peaks = { heap: 0, buffers: 0, both: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const usage = await heapUsage();
      if (usage) {
        peaks.heap = Math.max(peaks.heap, usage.usedSize);
        peaks.buffers = Math.max(peaks.buffers, usage.backingStorageSize ?? 0);
        peaks.both = Math.max(peaks.both, usage.usedSize + (usage.backingStorageSize ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      socket.close();
      return peaks;
    },
  };
}

/** The largest `wasmMiB` among the Worker's request log lines (LOG_REQUESTS on), in bytes. */
export function largestWasmBytes(lines) {
  let largest = 0;
  for (const line of lines) {
    try {
      const wasm = JSON.parse(line).wasmMiB;
      if (typeof wasm === 'number') largest = Math.max(largest, wasm);
    } catch {
      // Not a log line of ours.
    }
  }
  return largest * 1024 * 1024;
}
