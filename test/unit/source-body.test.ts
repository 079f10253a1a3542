import { describe, expect, it } from 'vitest';
import { bodyReader } from '../../src/source/body';

/** A stream of `bytes` cut into chunks of `size`, counting how many chunks were pulled. */
function chunked(bytes: Uint8Array, size: number) {
  let pulled = 0;
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      pulled++;
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return { stream, pulled: () => pulled };
}

const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);

describe('source bodies: a prefix first, then the whole, each chunk read once', () => {
  it('a prefix reads only the chunks it needs; the whole is then exact', async () => {
    const source = chunked(data, 1000);
    const body = bodyReader(source.stream, data.length);
    expect(await body.prefix(2500)).toEqual(data.subarray(0, 2500));
    // The stream may read one chunk ahead of the consumer, never the rest.
    expect(source.pulled()).toBeLessThanOrEqual(4);
    expect(await body.all()).toEqual(data);
    expect(await body.all()).toEqual(data);
  });

  it('an unannounced size, or a body longer than announced, still reads exactly', async () => {
    expect(await bodyReader(chunked(data, 999).stream, undefined).all()).toEqual(data);
    const longer = bodyReader(chunked(data, 999).stream, 5000);
    expect(await longer.prefix(100)).toEqual(data.subarray(0, 100));
    expect(await longer.all()).toEqual(data);
    const shorter = bodyReader(chunked(data, 999).stream, 20_000);
    expect(await shorter.all()).toEqual(data);
  });

  it('a prefix longer than the body is the whole body', async () => {
    expect(await bodyReader(chunked(data, 4096).stream, data.length).prefix(1 << 20)).toEqual(data);
  });

  it('refuses past the 20 MB source limit while streaming', async () => {
    const big = new Uint8Array(21 * 1024 * 1024);
    const body = bodyReader(chunked(big, 1 << 20).stream, undefined);
    await expect(body.all()).rejects.toMatchObject({ code: 'ImageTooLarge' });
  });
});

/** A byte stream (as fetch and R2 bodies are) of `bytes`, delivering at most `size` per pull. */
function bytesStream(bytes: Uint8Array, size: number) {
  let at = 0;
  let reads = 0;
  const stream = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      reads++;
      const request = controller.byobRequest;
      if (request?.view) {
        const view = new Uint8Array(
          request.view.buffer,
          request.view.byteOffset,
          request.view.byteLength,
        );
        const n = Math.min(size, view.byteLength, bytes.length - at);
        view.set(bytes.subarray(at, at + n));
        at += n;
        request.respond(n);
      } else {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  }) as ReadableStream<Uint8Array>;
  return { stream, reads: () => reads };
}

const bytes300k = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);

describe('byte streams: read with BYOB into the sized buffer', () => {
  it('prefix then whole, sized', async () => {
    const s = bytesStream(bytes300k, 100_000);
    const body = bodyReader(s.stream, bytes300k.length);
    expect(await body.prefix(2500)).toEqual(bytes300k.subarray(0, 2500));
    expect(await body.all()).toEqual(bytes300k);
    expect(s.reads()).toBeLessThanOrEqual(5);
  });
  it('whole, sized, small pieces', async () => {
    expect(await bodyReader(bytesStream(bytes300k, 4096).stream, bytes300k.length).all()).toEqual(
      bytes300k,
    );
  });
  it('unsized, longer and shorter than announced', async () => {
    expect(await bodyReader(bytesStream(bytes300k, 999).stream, undefined).all()).toEqual(
      bytes300k,
    );
    const longer = bodyReader(bytesStream(bytes300k, 999).stream, 5000);
    expect(await longer.prefix(100)).toEqual(bytes300k.subarray(0, 100));
    expect(await longer.all()).toEqual(bytes300k);
    expect(await bodyReader(bytesStream(bytes300k, 64_000).stream, 5000).all()).toEqual(bytes300k);
    expect(await bodyReader(bytesStream(bytes300k, 999).stream, 400_000).all()).toEqual(bytes300k);
  });
  it('a prefix longer than the body is the whole body', async () => {
    expect(
      await bodyReader(bytesStream(bytes300k, 4096).stream, bytes300k.length).prefix(1 << 20),
    ).toEqual(bytes300k);
  });
  it('refuses past the 20 MB source limit while streaming', async () => {
    const big = new Uint8Array(21 * 1024 * 1024);
    await expect(
      bodyReader(bytesStream(big, 1 << 20).stream, undefined).all(),
    ).rejects.toMatchObject({ code: 'ImageTooLarge' });
  });
});
