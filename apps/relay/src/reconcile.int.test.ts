import { type ReconcileHooks, type ReconcileReport, reconcile } from '@inventory/core';
import type { Logger } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureLogger, type LogLine } from '../../../packages/core/src/reconcile/reconcile.testing.js';
import { T0 } from '../../../packages/core/src/stock/stock.testing.js';
import { useDrainerFixture } from './journal/drainer.testing.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const order = (orderId: string) => ({ ...who, orderId, orderIdType: 'number' as const });

let logLines: LogLine[] = [];
let logger: Logger;
const f = useDrainerFixture('reconcile-test', {
  logger: () => {
    ({ logger, lines: logLines } = captureLogger());
    return logger;
  },
});
beforeEach(async () => {
  await f.redis.set(f.t.runner.keys.restored, 'test'); // as after the relay's restore
});

function run(repair: boolean, hooks?: ReconcileHooks): Promise<ReconcileReport> {
  return reconcile({
    redis: f.redis,
    knex: f.knex,
    keys: f.t.runner.keys,
    logger,
    repair,
    now: () => T0 + 60_000,
    hooks,
  });
}

/** A: total 10 with 2 reserved by open order 1; B: 5. */
async function seed(): Promise<void> {
  await f.t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await f.t.runner.init({ ...who, skuId: 'B', initialQuantity: 5 });
  await f.t.runner.reserve({ ...order('1'), items: [{ skuId: 'A', quantity: 2 }] });
  await f.drain();
}

const stockOf = (skuId: string) =>
  f.redis.hmget(f.t.runner.keys.stock(skuId), 'total', 'reserved', 'version');
const snapshotOf = (skuId: string) =>
  f.knex('inventory_snapshot').first('total', 'reserved', 'version').where({ sku_id: skuId });
const reconcileRows = () => f.knex('inventory_ledger').where({ action: 'reconcile' });

describe('reconcile', () => {
  it('when both stores agree after a drain, reports no drift and changes nothing', async () => {
    await seed();
    await f.t.runner.init({ ...who, skuId: 'odd*[?]{x}\\', initialQuantity: 1 }); // glob characters
    await f.t.runner.reserve({ ...order('2'), items: [{ skuId: 'B', quantity: 1 }] });
    await f.t.runner.confirm(order('2'));
    await f.drain();

    const report = await run(true);

    expect(report).toMatchObject({
      skusChecked: 3,
      reservationsChecked: 1,
      drift: [],
      repaired: 0,
      remaining: 0,
    });
    expect(await stockOf('A')).toEqual(['10', '2', '2']);
    expect(await reconcileRows()).toHaveLength(0);
    expect(logLines.at(-1)).toMatchObject({ level: 30, msg: 'reconcile finished' });
  });

  it("when Redis' total is changed behind the service's back, reports it, repairs it from MariaDB with a RECONCILE ledger row, and a second run finds nothing", async () => {
    await seed();
    await f.redis.hset(f.t.runner.keys.stock('A'), 'total', 7);

    const reported = await run(false);
    const repaired = await run(true);
    const again = await run(true);

    const expected = { kind: 'sku-mismatch', skuId: 'A', redis: { total: 7, reserved: 2, version: 2 } };
    expect(reported.drift).toEqual([
      { ...expected, mariadb: { total: 10, reserved: 2, version: 2 }, outcome: 'reported' },
    ]);
    expect(reported.counts).toEqual({ 'sku-mismatch': 1 });
    expect(logLines.find((l) => l.msg === 'stock drift')).toMatchObject({ level: 40, drift: { skuId: 'A' } });
    expect(repaired).toMatchObject({
      repaired: 1,
      remaining: 0,
      drift: [{ ...expected, outcome: 'repaired', version: 3 }],
    });
    expect(await stockOf('A')).toEqual(['10', '2', '3']);
    expect(await snapshotOf('A')).toEqual({ total: 10, reserved: 2, version: 3 });
    const ledger = { sku_id: 'A', delta_total: 3, delta_reserved: 0, total_after: 10, reserved_after: 2 };
    const repair = { version: 3, reason: 'RECONCILE', actor: 'reconcile', causation_id: repaired.runId };
    const journalId = expect.stringMatching(/^reconcile:[\w-]{22}$/);
    expect(await reconcileRows()).toMatchObject([{ ...ledger, ...repair, journal_id: journalId }]);
    expect(again.drift).toEqual([]);
    // Later writes build on the repaired version and drain cleanly.
    await f.t.runner.add({ ...who, skuId: 'A', quantity: 1 });
    await f.drain();
    expect((await run(true)).drift).toEqual([]);
    expect(await snapshotOf('A')).toEqual({ total: 11, reserved: 2, version: 4 });
  });

  it('when a SKU is only in MariaDB (its Redis hash deleted), recreates the hash from the snapshot', async () => {
    await seed();
    await f.redis.del(f.t.runner.keys.stock('A'));

    const report = await run(true);

    expect(report.drift).toMatchObject([
      { kind: 'sku-missing-in-redis', skuId: 'A', redis: null, outcome: 'repaired' },
    ]);
    expect(await stockOf('A')).toEqual(['10', '2', '3']);
    expect(await reconcileRows()).toMatchObject([
      { sku_id: 'A', delta_total: 10, delta_reserved: 2, version: 3 },
    ]);
    expect((await run(true)).drift).toEqual([]);
  });

  it('when a SKU is only in Redis, reports it and leaves it: MariaDB has nothing to restore it from', async () => {
    await seed();
    const skuId = 'ghost*[1]{2}';
    await f.redis.hset(f.t.runner.keys.stock(skuId), { total: 4, reserved: 0, version: 1, updatedAt: T0 });

    const report = await run(true);

    expect(report.skusChecked).toBe(3);
    expect(report.drift).toMatchObject([
      { kind: 'sku-missing-in-mariadb', skuId, mariadb: null, redis: { total: 4 }, outcome: 'unrepairable' },
    ]);
    expect(report.remaining).toBe(1);
    expect(await stockOf(skuId)).toEqual(['4', '0', '1']);
    expect(await reconcileRows()).toHaveLength(0);
  });

  it("when a reservation's status and deadline drift in Redis, rewrites the record from MariaDB", async () => {
    await seed();
    const before = await f.t.runner.getReservation('1');
    const key = f.t.runner.keys.reservation('1');
    await f.redis.hset(key, 'status', 'RELEASED');
    await f.redis.zrem(f.t.runner.keys.deadlines, '1');

    const report = await run(true);

    expect(report.drift).toMatchObject([
      { kind: 'reservation-mismatch', orderId: '1', fields: ['status', 'deadline'], outcome: 'repaired' },
    ]);
    expect(await f.t.runner.getReservation('1')).toEqual(before);
    expect(await f.redis.zscore(f.t.runner.keys.deadlines, '1')).toBe(String(before?.expiresAt));
    expect(await f.redis.ttl(key)).toBe(-1); // open records keep no TTL
    expect((await run(true)).drift).toEqual([]);
  });

  it('when a reservation is missing in Redis or RESERVED only there, restores the first and reports the second', async () => {
    await seed();
    await f.redis.del(f.t.runner.keys.reservation('1'));
    await f.redis.hset(f.t.runner.keys.reservation('9'), {
      status: 'RESERVED',
      items: '[["B",1]]',
      expiresAt: T0,
    });
    await f.redis.zadd(f.t.runner.keys.deadlines, T0, '9');

    const report = await run(true);

    expect(report.reservationsChecked).toBe(2);
    expect(report.drift).toMatchObject([
      { kind: 'reservation-missing-in-redis', orderId: '1', outcome: 'repaired' },
      { kind: 'reservation-missing-in-mariadb', orderId: '9', outcome: 'unrepairable' },
    ]);
    expect(await f.t.runner.getReservation('1')).toMatchObject({
      status: 'RESERVED',
      items: [{ skuId: 'A', quantity: 2 }],
    });
    expect(await f.redis.hget(f.t.runner.keys.reservation('9'), 'status')).toBe('RESERVED');
  });

  it('when the journal is not drained (or Redis not restored), skips the comparison and changes nothing', async () => {
    await seed();
    await f.redis.hset(f.t.runner.keys.stock('A'), 'total', 7);
    await f.t.runner.add({ ...who, skuId: 'B', quantity: 1 }); // journaled, not drained

    const undrained = await run(true);
    await f.drain();
    await f.redis.del(f.t.runner.keys.restored);
    const unrestored = await run(true);

    expect(undrained).toMatchObject({
      skipped: 'journal not drained',
      skusChecked: 0,
      drift: [],
      repaired: 0,
    });
    expect(unrestored).toMatchObject({ skipped: 'Redis not restored', drift: [] });
    expect(await stockOf('A')).toEqual(['7', '2', '2']);
    expect(await reconcileRows()).toHaveLength(0);
  });

  it('when a script changes the SKU between the check and the repair, does not overwrite the change', async () => {
    await seed();
    await f.redis.hset(f.t.runner.keys.stock('A'), 'total', 7);
    await f.redis.hset(f.t.runner.keys.reservation('1'), 'status', 'EXPIRED');
    const hooks: ReconcileHooks = {
      async beforeRepair(item) {
        if (item.kind === 'sku-mismatch') await f.t.runner.add({ ...who, skuId: 'A', quantity: 1 });
      },
    };

    const report = await run(true, hooks);

    // The add is still in the journal when the reservation's turn comes: it cannot be confirmed.
    expect(report.drift).toMatchObject([
      { kind: 'sku-mismatch', outcome: 'conflict' },
      { kind: 'reservation-mismatch', outcome: 'unverified' },
    ]);
    expect(await stockOf('A')).toEqual(['8', '2', '3']); // the add's result, not MariaDB's 10
    expect(await reconcileRows()).toHaveLength(0);
    // The add journaled Redis' drifted total, so MariaDB now holds it too, and its ledger does not add up.
    await f.drain();
    expect((await run(true)).drift).toMatchObject([
      {
        kind: 'ledger-mismatch',
        skuId: 'A',
        snapshot: { total: 8 },
        ledger: { total: 11 },
        outcome: 'unrepairable',
      },
      { kind: 'reservation-mismatch', orderId: '1', outcome: 'repaired' },
    ]);
  });

  it('when a script touches the reservation between the check and the repair, leaves the record as the script wrote it', async () => {
    await seed();
    const key = f.t.runner.keys.reservation('1');
    await f.redis.hset(key, 'status', 'EXPIRED');
    // Only the outcome field changes (a late cancel of an expired order): still not overwritten.
    const hooks: ReconcileHooks = {
      async beforeRepair() {
        await f.t.runner.release({ ...order('1'), reason: 'CANCELLED' });
      },
    };

    const report = await run(true, hooks);

    expect(report.drift).toMatchObject([
      { kind: 'reservation-mismatch', fields: ['status', 'deadline'], outcome: 'conflict' },
    ]);
    expect(await f.redis.hmget(key, 'status', 'release')).toEqual([
      'EXPIRED',
      expect.stringContaining('"code":-4'),
    ]);
  });

  it("when the snapshot disagrees with its ledger, reports both and leaves the SKU's Redis hash alone", async () => {
    await seed();
    await f.knex('inventory_snapshot').where({ sku_id: 'B' }).update({ total: 12 });

    const report = await run(true);

    expect(report.counts).toEqual({ 'ledger-mismatch': 1, 'sku-mismatch': 1 });
    expect(report.drift).toMatchObject([
      { kind: 'ledger-mismatch', skuId: 'B', snapshot: { total: 12 }, ledger: { total: 5 } },
      { kind: 'sku-mismatch', skuId: 'B', outcome: 'unrepairable' },
    ]);
    expect(await stockOf('B')).toEqual(['5', '0', '1']);
  });
});
