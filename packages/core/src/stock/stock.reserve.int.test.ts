import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StockCode } from './stock.codes.js';
import { readJournal } from './stock.journal.js';
import { createTestStock, T0, type TestStock, testRedisUrl } from './stock.testing.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
let redis: Redis;
let t: TestStock;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
beforeEach(() => {
  t = createTestStock(redis);
});
afterEach(async () => {
  await t.cleanup();
});
afterAll(async () => {
  await redis.quit();
});

async function stockHashes(skuIds: string[]): Promise<Record<string, string>[]> {
  return Promise.all(skuIds.map((id) => redis.hgetall(t.runner.keys.stock(id))));
}

async function seed(stock: Record<string, number>): Promise<void> {
  for (const [skuId, initialQuantity] of Object.entries(stock))
    await t.runner.init({ ...who, skuId, initialQuantity });
}

describe('reserveStock', () => {
  it('when every item is available, reserves all, records the deadline and journals one entry', async () => {
    // Arrange
    await seed({ A: 10, B: 5 });
    const before = await t.journalLength();
    // Act
    const outcome = await t.runner.reserve({
      ...who,
      orderId: '1001',
      orderIdType: 'number',
      items: [
        { skuId: 'A', quantity: 2 },
        { skuId: 'B', quantity: 5 },
      ],
    });
    // Assert
    expect(outcome).toMatchObject({ ok: true, replayed: false, journaled: true });
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([
      { total: 10, reserved: 2, available: 8, version: 2 },
      { total: 5, reserved: 5, available: 0, version: 2 },
    ]);
    expect(await t.runner.getReservation('1001')).toMatchObject({
      status: 'RESERVED',
      expiresAt: T0 + 900_000,
    });
    expect(await redis.zscore(t.runner.keys.deadlines, '1001')).toBe(String(T0 + 900_000));
    expect((await t.journalLength()) - before).toBe(1);
  });

  it('when the last item of a multi-item order is short, changes nothing and journals one failure', async () => {
    // Arrange
    await seed({ A: 10, B: 10, C: 1 });
    const hashesBefore = await stockHashes(['A', 'B', 'C']);
    const before = await t.journalLength();
    // Act
    const outcome = await t.runner.reserve({
      ...who,
      orderId: '1002',
      orderIdType: 'number',
      items: [
        { skuId: 'A', quantity: 3 },
        { skuId: 'B', quantity: 3 },
        { skuId: 'C', quantity: 2 },
      ],
    });
    // Assert: byte-identical hashes, no RESERVED record, no deadline, one failure entry
    expect(outcome).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK', journaled: true });
    expect(await stockHashes(['A', 'B', 'C'])).toEqual(hashesBefore);
    expect((await t.runner.getReservation('1002'))?.status).toBe('FAILED');
    expect(await redis.zscore(t.runner.keys.deadlines, '1002')).toBeNull();
    const entries = await readJournal(redis, t.runner.keys.journal);
    expect(entries.length - before).toBe(1);
    expect(entries.at(-1)?.entry).toMatchObject({
      action: 'reserve',
      code: StockCode.INSUFFICIENT_STOCK,
      failedItems: [{ skuId: 'C', requested: 2, available: 1 }],
      skus: [],
    });
  });

  it('when a SKU is unknown and another is short, fails with SKU_NOT_FOUND listing both', async () => {
    await seed({ A: 1 });
    const outcome = await t.runner.reserve({
      ...who,
      orderId: '1003',
      orderIdType: 'number',
      items: [
        { skuId: 'A', quantity: 2 },
        { skuId: 'GHOST', quantity: 1 },
      ],
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok || outcome.entry === null) throw new Error('expected a script failure');
    expect(outcome.reason).toBe('SKU_NOT_FOUND');
    expect(outcome.entry.failedItems).toEqual([
      { skuId: 'A', requested: 2, available: 1 },
      { skuId: 'GHOST', requested: 1, available: null },
    ]);
  });

  it('when the same SKU appears twice, reserves the sum', async () => {
    await seed({ A: 10 });
    await t.runner.reserve({
      ...who,
      orderId: '1004',
      orderIdType: 'number',
      items: [
        { skuId: 'A', quantity: 2 },
        { skuId: 'A', quantity: 3 },
      ],
    });
    expect(await t.runner.get('A')).toMatchObject({ reserved: 5 });
    expect((await t.runner.getReservation('1004'))?.items).toEqual([{ skuId: 'A', quantity: 5 }]);
  });

  it('when input breaks a limit, rejects it before Redis: no key, no journal entry', async () => {
    await seed({ A: 10 });
    const before = await t.journalLength();
    const order = { ...who, orderId: '1005', orderIdType: 'number' as const };
    const outcomes = await Promise.all([
      t.runner.reserve({ ...order, items: [{ skuId: 'A', quantity: 0 }] }),
      t.runner.reserve({ ...order, items: [{ skuId: 'A', quantity: 1_000_000_001 }] }),
      t.runner.reserve({
        ...order,
        items: Array.from({ length: 101 }, (_, i) => ({ skuId: `S${i}`, quantity: 1 })),
      }),
      t.runner.reserve({ ...order, items: [{ skuId: 'x'.repeat(129), quantity: 1 }] }),
      t.runner.reserve({ ...order, items: [{ skuId: 'A\u0000', quantity: 1 }] }),
      t.runner.reserve({ ...order, orderId: '1.5', items: [{ skuId: 'A', quantity: 1 }] }),
    ]);
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({ ok: false, reason: 'INVALID_ORDER', entry: null });
    expect(await t.journalLength()).toBe(before);
    expect(await t.runner.getReservation('1005')).toBeNull();
  });

  it('when the orderId is above 2^53 and the skuId is non-ASCII, both round-trip exactly', async () => {
    const orderId = '12345678901234567891';
    const skuId = '셔츠-빨강/M 👕';
    await seed({ [skuId]: 3 });
    const outcome = await t.runner.reserve({
      ...who,
      orderId,
      orderIdType: 'number',
      items: [{ skuId, quantity: 3 }],
    });
    expect(outcome.ok).toBe(true);
    const [last] = (await readJournal(redis, t.runner.keys.journal)).slice(-1);
    expect(last?.entry).toMatchObject({ orderId, orderIdType: 'number', items: [{ skuId, quantity: 3 }] });
    expect(await redis.zscore(t.runner.keys.deadlines, orderId)).not.toBeNull();
    expect(await t.runner.get(skuId)).toMatchObject({ available: 0 });
  });

  it('when the order was cancelled before it was placed, fails with INVALID_ORDER and reserves nothing', async () => {
    // Arrange: the cancel arrives first and leaves a tombstone
    await seed({ A: 10 });
    await t.runner.release({ ...who, orderId: '1006', orderIdType: 'number', reason: 'CANCELLED' });
    // Act
    const outcome = await t.runner.reserve({
      ...who,
      orderId: '1006',
      orderIdType: 'number',
      items: [{ skuId: 'A', quantity: 1 }],
    });
    // Assert
    expect(outcome).toMatchObject({ ok: false, reason: 'INVALID_ORDER', journaled: true });
    expect(await t.runner.get('A')).toMatchObject({ reserved: 0, version: 1 });
    expect(await redis.zscore(t.runner.keys.deadlines, '1006')).toBeNull();
  });

  it('when the order is placed again (any event id), returns the first outcome and journals nothing', async () => {
    await seed({ A: 1 });
    const order = {
      ...who,
      orderId: '1007',
      orderIdType: 'number' as const,
      items: [{ skuId: 'A', quantity: 1 }],
    };
    const first = await t.runner.reserve(order);
    const failedFirst = await t.runner.reserve({ ...order, orderId: '1008' });
    const before = await t.journalLength();
    const again = await t.runner.reserve({ ...order, eventId: 'another-delivery' });
    const failedAgain = await t.runner.reserve({ ...order, orderId: '1008' });
    expect(again).toMatchObject({ ok: true, replayed: true, journaled: false });
    expect(again.entry?.eventId).toBe(first.entry?.eventId);
    expect(failedAgain).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK', replayed: true });
    expect(failedAgain.entry?.eventId).toBe(failedFirst.entry?.eventId);
    expect(await t.journalLength()).toBe(before);
    expect(await t.runner.get('A')).toMatchObject({ reserved: 1 });
  });
});
