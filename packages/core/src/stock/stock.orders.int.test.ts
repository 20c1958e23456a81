import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StockCode } from './stock.codes.js';
import { readJournal } from './stock.journal.js';
import { createTestStock, T0, type TestStock, testRedisUrl } from './stock.testing.js';
import type { OrderItem } from './stock.types.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const TTL_MS = 900_000;
let redis: Redis;
let t: TestStock;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
beforeEach(async () => {
  t = createTestStock(redis);
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await t.runner.init({ ...who, skuId: 'B', initialQuantity: 10 });
});
afterEach(async () => {
  await t.cleanup();
});
afterAll(async () => {
  await redis.quit();
});

const order = (orderId: string) => ({ ...who, orderId, orderIdType: 'number' as const });
const reserve = (orderId: string, items: OrderItem[]) => t.runner.reserve({ ...order(orderId), items });
const lastEntry = async () => (await readJournal(redis, t.runner.keys.journal)).at(-1)?.entry;

describe('confirmReservation', () => {
  it('when RESERVED, deducts what was reserved from total and reserved', async () => {
    await reserve('1', [
      { skuId: 'A', quantity: 2 },
      { skuId: 'B', quantity: 3 },
    ]);
    const outcome = await t.runner.confirm(order('1'));
    expect(outcome).toMatchObject({ ok: true, journaled: true });
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([
      { total: 8, reserved: 0 },
      { total: 7, reserved: 0 },
    ]);
    expect(await t.runner.getReservation('1')).toMatchObject({ status: 'CONFIRMED' });
    expect(await redis.zscore(t.runner.keys.deadlines, '1')).toBeNull();
    expect(await redis.ttl(t.runner.keys.reservation('1'))).toBeGreaterThan(0);
  });

  it('when the order is unknown or its reserve failed, answers RESERVATION_NOT_FOUND', async () => {
    await reserve('2', [{ skuId: 'A', quantity: 11 }]);
    expect(await t.runner.confirm(order('404'))).toMatchObject({
      ok: false,
      reason: 'RESERVATION_NOT_FOUND',
    });
    expect(await t.runner.confirm(order('2'))).toMatchObject({ ok: false, reason: 'RESERVATION_NOT_FOUND' });
    expect(await t.runner.getReservation('404')).toMatchObject({ status: 'NONE' });
  });

  it('when released or expired, answers RESERVATION_RELEASED or RESERVATION_EXPIRED and changes no stock', async () => {
    await reserve('3', [{ skuId: 'A', quantity: 1 }]);
    await reserve('4', [{ skuId: 'A', quantity: 1 }]);
    await t.runner.release({ ...order('3'), reason: 'CANCELLED' });
    t.clock.now = T0 + TTL_MS;
    await t.runner.expireDue(10);
    const before = await t.runner.get('A');
    expect(await t.runner.confirm(order('3'))).toMatchObject({ ok: false, reason: 'RESERVATION_RELEASED' });
    expect(await t.runner.confirm(order('4'))).toMatchObject({ ok: false, reason: 'RESERVATION_EXPIRED' });
    expect(await t.runner.get('A')).toEqual(before);
  });

  it('when the deadline has passed but no sweep ran yet, expires it and answers RESERVATION_EXPIRED', async () => {
    await reserve('5', [{ skuId: 'A', quantity: 4 }]);
    t.clock.now = T0 + TTL_MS; // due: expiresAt <= now
    const outcome = await t.runner.confirm(order('5'));
    expect(outcome).toMatchObject({ ok: false, reason: 'RESERVATION_EXPIRED', journaled: true });
    expect(await t.runner.get('A')).toMatchObject({ total: 10, reserved: 0 });
    expect(await t.runner.getReservation('5')).toMatchObject({ status: 'EXPIRED' });
    expect(await lastEntry()).toMatchObject({
      action: 'confirm',
      code: StockCode.RESERVATION_EXPIRED,
      reason: 'EXPIRED',
      skus: [{ skuId: 'A', dTotal: 0, dReserved: -4, reserved: 0 }],
    });
    expect(await t.runner.expireDue(10)).toMatchObject({ due: 0 });
  });
});

describe('releaseReservation', () => {
  it('when RESERVED, returns the stock with the given reason, even past the deadline', async () => {
    await reserve('6', [{ skuId: 'A', quantity: 4 }]);
    t.clock.now = T0 + 2 * TTL_MS;
    expect(await t.runner.release({ ...order('6'), reason: 'MANUAL' })).toMatchObject({ ok: true });
    expect(await t.runner.get('A')).toMatchObject({ reserved: 0, total: 10 });
    expect(await lastEntry()).toMatchObject({ action: 'release', reason: 'MANUAL', code: StockCode.OK });
  });

  it('when CONFIRMED, answers ALREADY_CONFIRMED and changes no stock', async () => {
    await reserve('7', [{ skuId: 'A', quantity: 4 }]);
    await t.runner.confirm(order('7'));
    const before = await t.runner.get('A');
    expect(await t.runner.release({ ...order('7'), reason: 'CANCELLED' })).toMatchObject({
      ok: false,
      reason: 'ALREADY_CONFIRMED',
    });
    expect(await t.runner.get('A')).toEqual(before);
  });

  it("when order B is cancelled, however often, order A's reservation stays", async () => {
    // Arrange: A reserved; B reserved on the same SKU; C never placed
    const named = (orderId: string) => ({ ...who, orderId, orderIdType: 'string' as const });
    await t.runner.reserve({ ...named('A-1'), items: [{ skuId: 'A', quantity: 3 }] });
    await t.runner.reserve({ ...named('B-1'), items: [{ skuId: 'A', quantity: 2 }] });
    // Act: B's cancel delivered three times, and a cancel of an unknown order
    for (let i = 0; i < 3; i += 1)
      await t.runner.release({ ...named('B-1'), reason: 'CANCELLED', eventId: `d${i}` });
    await t.runner.release({ ...named('C-1'), reason: 'CANCELLED' });
    // Assert
    expect(await t.runner.get('A')).toMatchObject({ reserved: 3, available: 7 });
    expect(await t.runner.getReservation('A-1')).toMatchObject({ status: 'RESERVED' });
    expect(await t.runner.getReservation('B-1')).toMatchObject({ status: 'RELEASED' });
  });
});

describe('expireDue', () => {
  it('when no deadline has passed, does nothing', async () => {
    await reserve('8', [{ skuId: 'A', quantity: 1 }]);
    const before = await t.journalLength();
    t.clock.now = T0 + TTL_MS - 1;
    expect(await t.runner.expireDue(10)).toEqual({ due: 0, expired: 0, outcomes: [] });
    expect(await t.runner.get('A')).toMatchObject({ reserved: 1 });
    expect(await t.journalLength()).toBe(before);
  });

  it('when the deadline set is ahead of the record, the script re-checks and answers NOT_DUE', async () => {
    // Arrange: simulate a skewed sweeper by pulling the zset score back
    await reserve('9', [{ skuId: 'A', quantity: 1 }]);
    await redis.zadd(t.runner.keys.deadlines, T0, '9');
    const before = await t.journalLength();
    // Act
    const sweep = await t.runner.expireDue(10);
    // Assert
    expect(sweep.outcomes[0]).toMatchObject({ ok: false, reason: 'NOT_DUE', journaled: false });
    expect(await t.runner.get('A')).toMatchObject({ reserved: 1 });
    expect(await t.journalLength()).toBe(before);
  });

  it('when deadlines passed, expires in batches and takes the reserve correlationId', async () => {
    for (let i = 0; i < 5; i += 1)
      await t.runner.reserve({
        ...order(`${50 + i}`),
        correlationId: `c${i}`,
        items: [{ skuId: 'A', quantity: 1 }],
      });
    t.clock.now = T0 + TTL_MS;
    const sweeps = [await t.runner.expireDue(2), await t.runner.expireDue(2), await t.runner.expireDue(2)];
    expect(sweeps.map((s) => s.expired)).toEqual([2, 2, 1]);
    expect(await t.runner.get('A')).toMatchObject({ reserved: 0, total: 10 });
    expect(await lastEntry()).toMatchObject({ action: 'expire', reason: 'EXPIRED', correlationId: 'c4' });
  });

  it('when a due order was confirmed meanwhile, removes the stale deadline and journals nothing', async () => {
    await reserve('10', [{ skuId: 'A', quantity: 1 }]);
    await t.runner.confirm(order('10'));
    await redis.zadd(t.runner.keys.deadlines, T0, '10');
    const before = await t.journalLength();
    t.clock.now = T0 + TTL_MS;
    const sweep = await t.runner.expireDue(10);
    expect(sweep.outcomes[0]).toMatchObject({ ok: false, reason: 'ALREADY_CONFIRMED', journaled: false });
    expect(await redis.zscore(t.runner.keys.deadlines, '10')).toBeNull();
    expect(await t.journalLength()).toBe(before);
  });
});

describe('replays', () => {
  it('when confirm, release or expire runs again for the same order, returns the first outcome and journals nothing', async () => {
    await reserve('11', [{ skuId: 'A', quantity: 1 }]);
    await reserve('12', [{ skuId: 'A', quantity: 1 }]);
    await reserve('13', [{ skuId: 'B', quantity: 1 }]);
    const confirmed = await t.runner.confirm(order('11'));
    const released = await t.runner.release({ ...order('12'), reason: 'CANCELLED' });
    t.clock.now = T0 + TTL_MS;
    const [expired] = (await t.runner.expireDue(10)).outcomes;
    await redis.zadd(t.runner.keys.deadlines, T0, '13'); // a second sweeper saw it too
    const before = await t.journalLength();
    const again = [
      await t.runner.confirm({ ...order('11'), eventId: 'dup' }),
      await t.runner.release({ ...order('12'), reason: 'MANUAL', eventId: 'dup' }),
      ...(await t.runner.expireDue(10)).outcomes,
    ];
    expect(again.map((o) => [o.replayed, o.ok])).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(again.map((o) => o.entry?.eventId)).toEqual(
      [confirmed, released, expired].map((o) => o?.entry?.eventId),
    );
    expect(await t.journalLength()).toBe(before);
  });

  it('when an admin write repeats its idempotency key, returns the first outcome and journals nothing', async () => {
    const first = [
      await t.runner.set({ ...who, skuId: 'A', total: 20, idempotencyKey: 'k-set' }),
      await t.runner.add({ ...who, skuId: 'A', quantity: 5, idempotencyKey: 'k-add' }),
      await t.runner.decrease({ ...who, skuId: 'A', quantity: 50, idempotencyKey: 'k-dec' }),
    ];
    const before = await t.journalLength();
    const again = [
      await t.runner.set({ ...who, skuId: 'A', total: 20, idempotencyKey: 'k-set' }),
      await t.runner.add({ ...who, skuId: 'A', quantity: 5, idempotencyKey: 'k-add' }),
      await t.runner.decrease({ ...who, skuId: 'A', quantity: 50, idempotencyKey: 'k-dec' }),
      await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 }),
    ];
    expect(again.map((o) => [o.ok, o.replayed])).toEqual([
      [true, true],
      [true, true],
      [false, true],
      [false, false],
    ]);
    expect(again.slice(0, 3).map((o) => o.entry?.eventId)).toEqual(first.map((o) => o.entry?.eventId));
    expect(await t.runner.get('A')).toMatchObject({ total: 25 });
    expect(await t.journalLength()).toBe(before);
  });

  it('when an idempotency key is reused for another SKU, answers IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    await t.runner.add({ ...who, skuId: 'A', quantity: 5, idempotencyKey: 'k' });
    const outcome = await t.runner.add({ ...who, skuId: 'B', quantity: 5, idempotencyKey: 'k' });
    expect(outcome).toMatchObject({ ok: false, reason: 'IDEMPOTENCY_KEY_REUSED', replayed: true });
    expect(await t.runner.get('B')).toMatchObject({ total: 10 });
  });
});

describe('batch', () => {
  it('when a reserve and its confirm share one pipeline, the confirm re-reads the record and confirms', async () => {
    const batch = t.runner.batch();
    const reserved = batch.reserve({ ...order('20'), items: [{ skuId: 'A', quantity: 2 }] });
    const confirmed = batch.confirm(order('20'));
    const added = batch.add({ ...who, skuId: 'B', quantity: 1 });
    const rejected = batch.reserve({ ...order('21'), items: [] });
    await batch.exec();
    expect(await reserved).toMatchObject({ ok: true });
    expect(await confirmed).toMatchObject({ ok: true });
    expect(await added).toMatchObject({ ok: true });
    expect(await rejected).toMatchObject({ ok: false, reason: 'INVALID_ORDER' });
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([{ total: 8, reserved: 0 }, { total: 11 }]);
  });
});
