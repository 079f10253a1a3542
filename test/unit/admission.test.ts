import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/pipeline/admission';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('isolate-wide memory admission', () => {
  it('admits while the sum fits, queues the rest first come first served, and frees on release', async () => {
    const admission = createAdmission(100, 8, 1000);
    const a = await admission.reserve(60);
    const b = await admission.reserve(40);
    const order: string[] = [];
    const c = admission.reserve(50).then((release) => (order.push('c'), release));
    const d = admission.reserve(10).then((release) => (order.push('d'), release));
    await tick();
    // d would fit once c does, but it does not overtake c.
    expect(order).toEqual([]);
    expect(admission.state()).toEqual({ reserved: 100, waiting: 2 });
    a();
    await tick();
    expect(order).toEqual(['c', 'd']);
    expect(admission.state()).toEqual({ reserved: 100, waiting: 0 });
    b();
    (await c)();
    (await d)();
    expect(admission.state()).toEqual({ reserved: 0, waiting: 0 });
  });

  it('a full queue or a long wait answers 503 ServiceUnavailable, and costs nothing after', async () => {
    const admission = createAdmission(100, 1, 30);
    const held = await admission.reserve(100);
    const waiting = admission.reserve(50);
    await expect(admission.reserve(10)).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      status: 503,
    });
    await expect(waiting).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    expect(admission.state()).toEqual({ reserved: 100, waiting: 0 });
    held();
    expect(admission.state().reserved).toBe(0);
  });

  it('a request alone always runs, even one predicted larger than the budget share', async () => {
    const admission = createAdmission(100, 4, 1000);
    const release = await admission.reserve(500);
    expect(admission.state().reserved).toBe(100);
    release();
    release();
    expect(admission.state().reserved).toBe(0);
  });

  it('memory idle codec instances hold is taken from the capacity, and given back when it shrinks', async () => {
    let held = 30;
    const admission = createAdmission(100, 4, 1000, () => held);
    const a = await admission.reserve(40);
    const b = await admission.reserve(20);
    // 60 + 20 fits 100 but not the 70 left beside 30 held.
    expect(admission.tryReserve(20)).toBeUndefined();
    let admitted = false;
    const c = admission.reserve(20).then((release) => ((admitted = true), release));
    await tick();
    expect(admitted).toBe(false);
    // A collection returned the held memory; the next release lets the waiter in.
    held = 0;
    b();
    await tick();
    expect(admitted).toBe(true);
    a();
    (await c)();
    // Alone, a request runs whatever is held.
    held = 500;
    const alone = admission.tryReserve(50);
    expect(alone).toBeDefined();
    alone?.();
  });
});
