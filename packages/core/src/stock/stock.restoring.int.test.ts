import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StockRestoringError } from './stock.errors.js';
import { createTestStock, markRestored, T0, type TestStock, testRedisUrl } from './stock.testing.js';

const who = { causationId: 'req-1', correlationId: 'corr-1', actor: 'test' };
let redis: Redis;
let t: TestStock;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
beforeEach(async () => {
  t = createTestStock(redis);
  // A: total 10, 4 reserved by order 1 (deadline T0 + 900 s)
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await t.runner.reserve({
    ...who,
    orderId: '1',
    orderIdType: 'number',
    items: [{ skuId: 'A', quantity: 4 }],
  });
});
afterEach(async () => {
  await t.cleanup();
});
afterAll(async () => {
  await redis.quit();
});

/** Everything a command could change: the SKU hash, the order's record, deadlines and journal. */
async function snapshot() {
  return {
    sku: await redis.hgetall(t.runner.keys.stock('A')),
    absent: await redis.exists(t.runner.keys.stock('NEW')),
    order: await redis.hgetall(t.runner.keys.reservation('1')),
    order2: await redis.exists(t.runner.keys.reservation('2')),
    deadlines: await redis.zrange(t.runner.keys.deadlines, 0, -1, 'WITHSCORES'),
    journal: await t.journalLength(),
  };
}

describe('stock commands without the restored-data marker', () => {
  it('every command, single or pipelined, fails with StockRestoringError and writes nothing', async () => {
    // Arrange: Redis "lost its data" as far as the marker says (the other keys stay, to see writes)
    const before = await snapshot();
    await redis.del(t.runner.keys.restored);
    t.clock.now = T0 + 3_600_000; // order 1 is past its deadline, so the sweep would expire it

    // Act
    const order = { ...who, orderId: '2', orderIdType: 'number' as const };
    const calls: Array<() => Promise<unknown>> = [
      () => t.runner.init({ ...who, skuId: 'NEW', initialQuantity: 1 }),
      () => t.runner.set({ ...who, skuId: 'A', total: 20 }),
      () => t.runner.add({ ...who, skuId: 'A', quantity: 1 }),
      () => t.runner.decrease({ ...who, skuId: 'A', quantity: 1 }),
      () => t.runner.bulk({ ...who, items: [{ skuId: 'A', delta: 1 }] }),
      () => t.runner.reserve({ ...order, items: [{ skuId: 'A', quantity: 1 }] }),
      () => t.runner.confirm({ ...who, orderId: '1', orderIdType: 'number' }),
      () => t.runner.release({ ...who, orderId: '1', orderIdType: 'number', reason: 'CANCELLED' }),
      () => t.runner.expireDue(10),
      async () => {
        const batch = t.runner.batch();
        const pending = [
          batch.add({ ...who, skuId: 'A', quantity: 1 }),
          batch.reserve({ ...order, items: [{ skuId: 'A', quantity: 1 }] }),
        ];
        await batch.exec();
        return Promise.all(pending);
      },
    ];
    const results = await Promise.allSettled(calls.map((call) => call()));

    // Assert
    results.forEach((result, i) => {
      expect(result.status, `call ${i}`).toBe('rejected');
      if (result.status === 'rejected')
        expect(result.reason, `call ${i}`).toBeInstanceOf(StockRestoringError);
    });
    expect(await snapshot()).toEqual(before);

    // Once the marker is back (the relay's restore), the same commands run
    await markRestored(redis, t.runner);
    expect(await t.runner.add({ ...who, skuId: 'A', quantity: 1 })).toMatchObject({ ok: true });
  });
});
