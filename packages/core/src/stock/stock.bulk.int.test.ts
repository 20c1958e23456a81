import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { luaScript, runScript } from '../redis/lua.scripts.js';
import type { BulkItem } from './commands/index.js';
import { StockCode } from './stock.codes.js';
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

const bulk = (
  items: BulkItem[],
  extra: { idempotencyKey?: string; eventId?: string; reason?: string } = {},
) => t.runner.bulk({ ...who, items, ...extra });

/** A: total 10 with 4 reserved; B: total 5. */
async function seed(): Promise<void> {
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await t.runner.init({ ...who, skuId: 'B', initialQuantity: 5 });
  await t.runner.reserve({
    ...who,
    orderId: '1',
    orderIdType: 'number',
    items: [{ skuId: 'A', quantity: 4 }],
  });
}

async function counters(...skuIds: string[]) {
  return Promise.all(skuIds.map((skuId) => redis.hgetall(t.runner.keys.stock(skuId))));
}

describe('bulk', () => {
  it('when every item fits, applies totals and deltas, creates absent SKUs and journals one entry', async () => {
    // Arrange
    await seed();
    // Act
    const outcome = await bulk(
      [
        { skuId: 'A', delta: -6 },
        { skuId: 'B', total: 2 },
        { skuId: 'NEW-T', total: 7 },
        { skuId: 'NEW-D', delta: 3 },
      ],
      { reason: 'stocktake' },
    );
    // Assert
    expect(outcome).toMatchObject({ ok: true, replayed: false, journaled: true });
    expect(await t.runner.getMany(['A', 'B', 'NEW-T', 'NEW-D'])).toEqual([
      { skuId: 'A', total: 4, reserved: 4, available: 0, version: 3, updatedAt: T0 },
      { skuId: 'B', total: 2, reserved: 0, available: 2, version: 2, updatedAt: T0 },
      { skuId: 'NEW-T', total: 7, reserved: 0, available: 7, version: 1, updatedAt: T0 },
      { skuId: 'NEW-D', total: 3, reserved: 0, available: 3, version: 1, updatedAt: T0 },
    ]);
    const journal = await readJournal(redis, t.runner.keys.journal);
    expect(journal).toHaveLength(4); // two inits, the reserve, one bulk entry
    expect(journal.at(-1)?.entry).toMatchObject({
      action: 'bulk',
      code: StockCode.OK,
      reason: 'stocktake',
      skus: [
        { skuId: 'A', dTotal: -6, dReserved: 0, total: 4, reserved: 4, version: 3 },
        { skuId: 'B', dTotal: -3, dReserved: 0, total: 2, reserved: 0, version: 2 },
        { skuId: 'NEW-T', dTotal: 7, total: 7, version: 1 },
        { skuId: 'NEW-D', dTotal: 3, total: 3, version: 1 },
      ],
    });
  });

  it('when any item fails, changes no SKU, journals only the failure and lists every failing item', async () => {
    await seed();
    const before = await counters('A', 'B');
    const journalBefore = await t.journalLength();
    const outcome = await bulk([
      { skuId: 'B', delta: 1 }, // would fit
      { skuId: 'A', delta: -7 }, // available is 6
      { skuId: 'A2', delta: -1 }, // unknown
      { skuId: 'X', total: 3 }, // would create
    ]);
    const belowReserved = await bulk([{ skuId: 'A', total: 3 }]); // reserved is 4
    expect(outcome).toMatchObject({ ok: false, reason: 'SKU_NOT_FOUND', journaled: true });
    expect(outcome.entry?.failedItems).toEqual([
      { skuId: 'A', requested: -7, available: 6, code: StockCode.INSUFFICIENT_STOCK, total: 10, reserved: 4 },
      {
        skuId: 'A2',
        requested: -1,
        available: null,
        code: StockCode.SKU_NOT_FOUND,
        total: null,
        reserved: null,
      },
    ]);
    expect(belowReserved).toMatchObject({ ok: false, reason: 'BELOW_RESERVED' });
    expect(await counters('A', 'B')).toEqual(before);
    expect(await t.runner.get('X')).toBeNull();
    const journal = await readJournal(redis, t.runner.keys.journal);
    expect(journal.slice(journalBefore).map((r) => [r.entry.action, r.entry.code, r.entry.skus])).toEqual([
      ['bulk', StockCode.SKU_NOT_FOUND, []],
      ['bulk', StockCode.BELOW_RESERVED, []],
    ]);
  });

  it('when a total would pass 10^12, fails with TOTAL_LIMIT and changes nothing', async () => {
    await seed();
    const outcome = await bulk([
      { skuId: 'B', total: 1e12 },
      { skuId: 'A', delta: 1e9 },
    ]);
    const over = await bulk([{ skuId: 'B', total: 1e12 }]).then(() => bulk([{ skuId: 'B', delta: 1 }]));
    expect(outcome).toMatchObject({ ok: true });
    expect(over).toMatchObject({ ok: false, reason: 'TOTAL_LIMIT' });
    expect(await t.runner.get('B')).toMatchObject({ total: 1e12 });
  });

  it('when retried with the same key, replays the first outcome and changes nothing', async () => {
    await seed();
    const items: BulkItem[] = [
      { skuId: 'A', delta: 1 },
      { skuId: 'B', delta: 1 },
    ];
    const first = await bulk(items, { idempotencyKey: 'k-1' });
    const length = await t.journalLength();
    t.clock.now += 1000;
    const retry = await bulk(items, { idempotencyKey: 'k-1' });
    expect(retry).toMatchObject({ ok: true, replayed: true, journaled: false });
    expect(retry.entry).toEqual(first.entry);
    expect(await t.journalLength()).toBe(length);
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([{ total: 11 }, { total: 6 }]);
  });

  it('when a failed call is retried after the stock changed, replays the same failure', async () => {
    await seed();
    const failed = await bulk([{ skuId: 'B', delta: -6 }], { idempotencyKey: 'k-2' });
    await t.runner.add({ ...who, skuId: 'B', quantity: 10 });
    const retry = await bulk([{ skuId: 'B', delta: -6 }], { idempotencyKey: 'k-2' });
    expect(failed).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(retry).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK', replayed: true });
    expect(await t.runner.get('B')).toMatchObject({ total: 15 });
  });

  it('when the key was used for other items or another command, answers IDEMPOTENCY_KEY_REUSED', async () => {
    await seed();
    await bulk([{ skuId: 'A', delta: 1 }], { idempotencyKey: 'k-3' });
    await t.runner.add({ ...who, skuId: 'B', quantity: 1, idempotencyKey: 'k-4' });
    const otherItems = await bulk([{ skuId: 'A', delta: 2 }], { idempotencyKey: 'k-3' });
    const afterAdd = await bulk([{ skuId: 'B', delta: 1 }], { idempotencyKey: 'k-4' });
    const addAfterBulk = await t.runner.add({ ...who, skuId: 'A', quantity: 1, idempotencyKey: 'k-3' });
    for (const outcome of [otherItems, afterAdd, addAfterBulk]) {
      expect(outcome).toMatchObject({ ok: false, reason: 'IDEMPOTENCY_KEY_REUSED', replayed: true });
    }
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([{ total: 11 }, { total: 6 }]);
  });

  it('without a key, is idempotent by its eventId', async () => {
    await seed();
    await bulk([{ skuId: 'B', delta: 2 }], { eventId: 'evt-9' });
    const again = await bulk([{ skuId: 'B', delta: 2 }], { eventId: 'evt-9' });
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(await t.runner.get('B')).toMatchObject({ total: 7 });
  });

  it('when given 1000 items, applies them in one entry; 1001 items are rejected before Redis', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ skuId: `S-${i}`, total: i }));
    const outcome = await bulk(items);
    const tooMany = await bulk([...items, { skuId: 'S-1000', total: 1 }]);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.entry?.skus).toHaveLength(1000);
    expect(await t.runner.get('S-999')).toMatchObject({ total: 999, version: 1 });
    expect(tooMany).toMatchObject({ ok: false, reason: 'INVALID_BULK', errors: [{ field: 'items' }] });
    expect(await t.journalLength()).toBe(1);
  });

  it('when items are malformed or repeat a SKU, rejects them with field errors and writes nothing', async () => {
    const outcome = await bulk([
      { skuId: 'A', total: 1 },
      { skuId: 'A', delta: 1 },
      { skuId: 'B', delta: 0 },
      { skuId: 'C', total: 1, delta: 1 } as unknown as BulkItem,
      { skuId: '', total: -1 },
    ]);
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'INVALID_BULK',
      errors: [
        { field: 'items[1].skuId', reason: 'duplicate of items[0]' },
        { field: 'items[2].delta' },
        { field: 'items[3]', reason: 'must have exactly one of total or delta' },
        { field: 'items[4].skuId' },
        { field: 'items[4].total' },
      ],
    });
    expect(await t.journalLength()).toBe(0);
  });

  it('when called past the runner with a repeated SKU, the script refuses it with an error reply', async () => {
    const call = {
      script: luaScript('bulk'),
      keys: [
        t.runner.keys.idempotency('x'),
        t.runner.keys.journal,
        t.runner.keys.stock('A'),
        t.runner.keys.stock('A'),
        t.runner.keys.restored,
      ],
      args: [T0, 60, 'e', 'c', 'c', 'a', '', '', 'd', 'A', 'd', 1, 'A', 'd', 1],
    };
    await expect(runScript(redis, call)).rejects.toThrow(/INVALID_BULK item 2/);
    expect(await t.journalLength()).toBe(0);
  });
});

describe('listSkus', () => {
  it('walks every SKU under the prefix once the cursor is followed to the end', async () => {
    const ids = ['plain', 'odd*[?]{x}\\', 'ünï', ...Array.from({ length: 50 }, (_, i) => `S${i}`)];
    await bulk(ids.map((skuId, i) => ({ skuId, total: i })));
    await t.runner.reserve({
      ...who,
      orderId: '7',
      orderIdType: 'number',
      items: [{ skuId: 'S1', quantity: 1 }],
    });
    const seen = new Map<string, number>();
    let cursor: string | null = '0';
    while (cursor !== null) {
      const page = await t.runner.listSkus(cursor, 10);
      for (const item of page.items) seen.set(item.skuId, item.available);
      cursor = page.nextCursor;
    }
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    expect(seen.get('S1')).toBe(ids.indexOf('S1') - 1);
  });
});
