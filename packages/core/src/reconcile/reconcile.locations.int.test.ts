import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { locationsOfHash, publishLocations, readSkuLocations } from '../stock/stock.locations.js';
import { createTestStock, T0, type TestStock, testRedisUrl } from '../stock/stock.testing.js';
import { reconcile } from './reconcile.js';
import { captureLogger, createTestDatabase, type TestDatabase } from './reconcile.testing.js';
import type { ReconcileHooks, ReconcileReport } from './reconcile.types.js';

/**
 * Reconcile and stock per location (docs/locations.md): a SKU hash's location fields against
 * inventory_stock_location, on a real Redis and MariaDB. MariaDB is filled the way the relay would
 * leave it (snapshot, one ledger row, a row per location; `default` without counts), so each test
 * starts from two stores that agree and then changes one behind the service's back.
 */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };

let db: TestDatabase;
let knex: Knex;
let redis: Redis;
let t: TestStock;

beforeAll(async () => {
  db = await createTestDatabase();
  knex = db.knex;
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await redis?.quit();
  await db?.drop();
});
beforeEach(async () => {
  await db.truncate();
  t = createTestStock(redis);
  await t.ready;
  await publishLocations(
    redis,
    t.runner.layout,
    ['default', 'berlin', 'hamburg'].map((locationId, priority) => ({ locationId, priority, active: true })),
  );
});
afterEach(async () => {
  await t.cleanup();
});

const hashOf = (skuId: string) => redis.hgetall(t.runner.keys.stock(skuId));

/** Writes what the relay would have stored for these SKUs, then empties the journal (drained). */
async function recordInMariadb(skuIds: string[]): Promise<void> {
  for (const skuId of skuIds) {
    const hash = await hashOf(skuId);
    const [total, reserved, version] = [hash.total, hash.reserved, hash.version].map(Number);
    await knex('inventory_snapshot').insert({
      sku_id: skuId,
      total,
      reserved,
      version,
      last_journal_id: 'seed',
    });
    await knex('inventory_ledger').insert({
      journal_id: 'seed',
      sku_id: skuId,
      delta_total: total,
      delta_reserved: reserved,
      total_after: total,
      reserved_after: reserved,
      version,
      action: 'set',
      actor: 'test',
    });
    const rows = locationsOfHash(hash).map((l) => {
      const home = l.locationId === 'default';
      return {
        sku_id: skuId,
        location_id: l.locationId,
        total: home ? null : l.total,
        reserved: home ? null : l.reserved,
        safety_stock: l.safetyStock,
        backorder_limit: l.backorderLimit,
        version,
        last_journal_id: 'seed',
      };
    });
    await knex('inventory_stock_location').insert(rows);
  }
  await redis.del(t.runner.keys.journal);
}

/** mug: 20 at default (safety 2), berlin 5 (safety 1), hamburg 10 (backorder 3); plain: 4, no locations. */
async function seed(): Promise<void> {
  const set = async (input: object) =>
    expect(await t.runner.set({ ...who, ...input } as never)).toMatchObject({ ok: true });
  await set({ skuId: 'mug', total: 20 });
  await set({ skuId: 'mug', locationId: 'berlin', total: 5, safetyStock: 1 });
  await set({ skuId: 'mug', locationId: 'hamburg', total: 10, backorderLimit: 3 });
  await set({ skuId: 'mug', locationId: 'default', safetyStock: 2 });
  await set({ skuId: 'plain', total: 4 });
  await recordInMariadb(['mug', 'plain']);
}

function run(repair: boolean, hooks?: ReconcileHooks): Promise<ReconcileReport> {
  const { logger } = captureLogger();
  return reconcile({ redis, knex, keys: t.runner.keys, logger, repair, now: () => T0 + 60_000, hooks });
}

const reconcileRows = () =>
  knex('inventory_ledger')
    .where({ action: 'reconcile' })
    .orderBy('location_id')
    .select('location_id', 'delta_total', 'delta_reserved', 'total_after', 'reserved_after', 'version');

const mugCounters = { total: 35, reserved: 0, version: 4 };

describe('reconcile of stock per location', () => {
  it('when both stores agree (default totals derived on both sides), reports no drift', async () => {
    await seed();

    const report = await run(true);

    expect(report).toMatchObject({ skusChecked: 2, drift: [], repaired: 0, remaining: 0 });
    expect(await reconcileRows()).toEqual([]);
  });

  it("when a location's total is changed in Redis behind the service's back, reports it as a SKU mismatch and repairs it from MariaDB, with a ledger row per moved location", async () => {
    await seed();
    const before = await readSkuLocations(redis, t.runner.layout, 'mug');
    await redis.hset(t.runner.keys.stock('mug'), 't:berlin', 7); // the SKU total stays: default lost 2

    const reported = await run(false);
    const repaired = await run(true);
    const again = await run(true);

    const berlin = { reserved: 0, safetyStock: 1, backorderLimit: 0 };
    expect(reported.drift).toEqual([
      {
        kind: 'sku-mismatch',
        skuId: 'mug',
        redis: mugCounters,
        mariadb: mugCounters,
        locations: [
          { locationId: 'berlin', redis: { total: 7, ...berlin }, mariadb: { total: 5, ...berlin } },
        ],
        outcome: 'reported',
        note: 'stock per location differs: berlin: redis total 7 reserved 0 safetyStock 1 backorderLimit 0, mariadb total 5 reserved 0 safetyStock 1 backorderLimit 0',
      },
    ]);
    expect(reported.counts).toEqual({ 'sku-mismatch': 1 });
    expect(repaired).toMatchObject({ repaired: 1, remaining: 0, drift: [{ outcome: 'repaired' }] });
    expect(await readSkuLocations(redis, t.runner.layout, 'mug')).toEqual(before);
    expect((await hashOf('mug')).version).toBe('4'); // only journaled changes move the version
    expect(await reconcileRows()).toEqual([
      {
        location_id: 'berlin',
        delta_total: -2,
        delta_reserved: 0,
        total_after: 5,
        reserved_after: 0,
        version: 4,
      },
      {
        location_id: 'default',
        delta_total: 2,
        delta_reserved: 0,
        total_after: 20,
        reserved_after: 0,
        version: 4,
      },
    ]);
    expect(again.drift).toEqual([]);
  });

  it("when settings or the safety sum differ (default's settings included), repairs them without ledger rows", async () => {
    await seed();
    const before = await hashOf('mug');
    const key = t.runner.keys.stock('mug');
    await redis.hdel(key, 'bo:hamburg');
    await redis.hset(key, 'ss:default', 9, 'safety', 7);

    const report = await run(true);

    expect(report.drift).toMatchObject([
      {
        kind: 'sku-mismatch',
        skuId: 'mug',
        locations: [
          {
            locationId: 'default',
            redis: { total: null, safetyStock: 9 },
            mariadb: { total: null, safetyStock: 2 },
          },
          { locationId: 'hamburg', redis: { backorderLimit: 0 }, mariadb: { backorderLimit: 3 } },
        ],
        safety: { redis: 7, mariadb: 3 },
        outcome: 'repaired',
      },
    ]);
    const after = await hashOf('mug');
    expect({ ...after, updatedAt: '' }).toEqual({ ...before, updatedAt: '' });
    expect(await reconcileRows()).toEqual([]);
    expect((await run(true)).drift).toEqual([]);
  });

  it('when MariaDB holds other figures for locations, Redis is set to them (MariaDB is the record)', async () => {
    await seed();
    const rows = knex('inventory_stock_location').where({ sku_id: 'mug' });
    await rows.clone().where({ location_id: 'hamburg' }).update({ total: 8, backorder_limit: 4 });
    await rows.clone().where({ location_id: 'berlin' }).update({ total: 7 });

    const report = await run(true);

    expect(report.drift).toMatchObject([
      {
        skuId: 'mug',
        locations: [
          { locationId: 'berlin', redis: { total: 5 }, mariadb: { total: 7 } },
          {
            locationId: 'hamburg',
            redis: { total: 10, backorderLimit: 3 },
            mariadb: { total: 8, backorderLimit: 4 },
          },
        ],
        outcome: 'repaired',
      },
    ]);
    expect(await hashOf('mug')).toMatchObject({ 't:berlin': '7', 't:hamburg': '8', 'bo:hamburg': '4' });
    // The two moves cancel out at `default`, which keeps its 20.
    expect(await reconcileRows()).toEqual([
      {
        location_id: 'berlin',
        delta_total: 2,
        delta_reserved: 0,
        total_after: 7,
        reserved_after: 0,
        version: 4,
      },
      {
        location_id: 'hamburg',
        delta_total: -2,
        delta_reserved: 0,
        total_after: 8,
        reserved_after: 0,
        version: 4,
      },
    ]);
  });

  it('when the SKU hash is gone, recreates the counters and then every location from MariaDB', async () => {
    await seed();
    const before = await readSkuLocations(redis, t.runner.layout, 'mug');
    await redis.del(t.runner.keys.stock('mug'));

    const report = await run(true);

    expect(report.drift).toMatchObject([
      {
        kind: 'sku-missing-in-redis',
        skuId: 'mug',
        redis: null,
        locations: [{ locationId: 'berlin' }, { locationId: 'default' }, { locationId: 'hamburg' }],
        outcome: 'repaired',
        version: 5,
      },
    ]);
    expect(await readSkuLocations(redis, t.runner.layout, 'mug')).toEqual(before);
    expect((await run(true)).drift).toEqual([]);
  });

  it('when a script changes the SKU between the check and the repair, leaves the locations as the script wrote them', async () => {
    await seed();
    await redis.hset(t.runner.keys.stock('mug'), 't:berlin', 7);
    const hooks: ReconcileHooks = {
      async beforeRepair() {
        await t.runner.set({ ...who, skuId: 'mug', locationId: 'berlin', total: 6 });
      },
    };

    const report = await run(true, hooks);

    expect(report.drift).toMatchObject([{ skuId: 'mug', outcome: 'conflict' }]);
    expect(await hashOf('mug')).toMatchObject({ 't:berlin': '6', version: '5' });
    expect(await reconcileRows()).toEqual([]);
  });
});
