import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from './stock.journal.js';
import { createTestStock, T0, type TestStock, testRedisUrl } from './stock.testing.js';

const who = { causationId: 'req-1', correlationId: 'corr-1', actor: 'admin:alice' };
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

/** A: total 10, reserved 4. */
async function seedReserved(): Promise<void> {
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await t.runner.reserve({
    ...who,
    orderId: '1',
    orderIdType: 'number',
    items: [{ skuId: 'A', quantity: 4 }],
  });
}

describe('initStock', () => {
  it('when the SKU is absent, creates it at version 1 and journals one entry', async () => {
    const outcome = await t.runner.init({ ...who, skuId: 'A', initialQuantity: 7, reason: 'SKU_CREATED' });
    expect(outcome).toMatchObject({ ok: true, journaled: true });
    expect(await t.runner.get('A')).toEqual({
      skuId: 'A',
      total: 7,
      reserved: 0,
      available: 7,
      version: 1,
      updatedAt: T0,
    });
    const entries = await readJournal(redis, t.runner.keys.journal);
    expect(entries.map((e) => e.entry)).toMatchObject([
      { action: 'init', reason: 'SKU_CREATED', skus: [{ skuId: 'A', dTotal: 7, total: 7, version: 1 }] },
    ]);
  });

  it('when the SKU exists, answers EXISTS with its state, changes nothing and journals nothing', async () => {
    await t.runner.init({ ...who, skuId: 'A', initialQuantity: 7 });
    const outcome = await t.runner.init({ ...who, skuId: 'A', initialQuantity: 99 });
    expect(outcome).toMatchObject({ ok: false, reason: 'EXISTS', journaled: false });
    expect(outcome.entry?.skus).toMatchObject([{ total: 7 }]);
    expect(await t.journalLength()).toBe(1);
  });
});

describe('setStock', () => {
  it('when the expected version matches, sets the absolute total', async () => {
    await seedReserved();
    const outcome = await t.runner.set({ ...who, skuId: 'A', total: 30, expectedVersion: 2 });
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.entry?.skus).toEqual([
      { skuId: 'A', dTotal: 20, dReserved: 0, total: 30, reserved: 4, version: 3 },
    ]);
  });

  it('when the expected version differs, answers VERSION_CONFLICT with the current state', async () => {
    await seedReserved();
    const outcome = await t.runner.set({ ...who, skuId: 'A', total: 30, expectedVersion: 1 });
    expect(outcome).toMatchObject({ ok: false, reason: 'VERSION_CONFLICT', journaled: true });
    expect(outcome.entry?.skus).toMatchObject([{ total: 10, version: 2, dTotal: 0 }]);
    expect(await t.runner.get('A')).toMatchObject({ total: 10, version: 2 });
  });

  it('when the total is below reserved, answers BELOW_RESERVED; at reserved, accepts', async () => {
    await seedReserved();
    expect(await t.runner.set({ ...who, skuId: 'A', total: 3 })).toMatchObject({
      ok: false,
      reason: 'BELOW_RESERVED',
    });
    expect(await t.runner.set({ ...who, skuId: 'A', total: 4 })).toMatchObject({ ok: true });
    expect(await t.runner.get('A')).toMatchObject({ total: 4, available: 0 });
  });

  it('when the total is above 10^12, answers TOTAL_LIMIT', async () => {
    await seedReserved();
    expect(await t.runner.set({ ...who, skuId: 'A', total: 1e12 })).toMatchObject({ ok: true });
    expect(await t.runner.set({ ...who, skuId: 'A', total: 1e12 + 1 })).toMatchObject({
      ok: false,
      reason: 'TOTAL_LIMIT',
    });
  });

  it('when the SKU is absent, creates it; expectedVersion 0 means "must not exist"', async () => {
    expect(await t.runner.set({ ...who, skuId: 'N', total: 5, expectedVersion: 0 })).toMatchObject({
      ok: true,
    });
    expect(await t.runner.set({ ...who, skuId: 'N', total: 6, expectedVersion: 0 })).toMatchObject({
      ok: false,
      reason: 'VERSION_CONFLICT',
    });
    expect(await t.runner.get('N')).toMatchObject({ total: 5, version: 1 });
  });
});

describe('addStock', () => {
  it('when the SKU is unknown, creates it with the quantity', async () => {
    expect(await t.runner.add({ ...who, skuId: 'NEW', quantity: 3 })).toMatchObject({ ok: true });
    expect(await t.runner.get('NEW')).toMatchObject({ total: 3, reserved: 0, version: 1 });
  });

  it('when the total would pass 10^12, answers TOTAL_LIMIT and keeps the total', async () => {
    await t.runner.set({ ...who, skuId: 'A', total: 1e12 - 1 });
    expect(await t.runner.add({ ...who, skuId: 'A', quantity: 2 })).toMatchObject({
      ok: false,
      reason: 'TOTAL_LIMIT',
    });
    expect(await t.runner.get('A')).toMatchObject({ total: 1e12 - 1 });
  });

  it('when the quantity is out of 1..10^9, rejects it before Redis', async () => {
    for (const quantity of [0, -1, 1.5, 1_000_000_001]) {
      expect(await t.runner.add({ ...who, skuId: 'A', quantity })).toMatchObject({
        reason: 'INVALID_QUANTITY',
        entry: null,
      });
    }
    expect(await t.journalLength()).toBe(0);
  });
});

describe('decreaseStock', () => {
  it('when available >= quantity, takes it from total', async () => {
    await seedReserved();
    expect(await t.runner.decrease({ ...who, skuId: 'A', quantity: 6 })).toMatchObject({ ok: true });
    expect(await t.runner.get('A')).toMatchObject({ total: 4, reserved: 4, available: 0 });
  });

  it('when available < quantity (reserved stock counts as taken), answers INSUFFICIENT_STOCK', async () => {
    await seedReserved();
    const outcome = await t.runner.decrease({ ...who, skuId: 'A', quantity: 7 });
    expect(outcome).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK', journaled: true });
    expect(await t.runner.get('A')).toMatchObject({ total: 10, version: 2 });
  });

  it('when the SKU is unknown, answers SKU_NOT_FOUND and creates nothing', async () => {
    expect(await t.runner.decrease({ ...who, skuId: 'X', quantity: 1 })).toMatchObject({
      ok: false,
      reason: 'SKU_NOT_FOUND',
    });
    expect(await t.runner.get('X')).toBeNull();
  });
});
