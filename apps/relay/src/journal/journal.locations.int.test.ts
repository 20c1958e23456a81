import { createLogger, publishLocations, readSkuLocations, restoreFromDatabase } from '@inventory/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { vanishPrefix } from '../../../../packages/core/src/stock/stock.testing.js';
import { useDrainerFixture } from './drainer.testing.js';

/** The durable side of stock per location (docs/locations.md): ledger, location rows, restore. */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'http:alice' };
const logger = createLogger({ level: 'silent', pretty: false, name: 'test' });
const locations = [
  { locationId: 'default', priority: 0, active: true },
  { locationId: 'berlin', priority: 1, active: true },
  { locationId: 'hamburg', priority: 2, active: true },
];
const f = useDrainerFixture('journal-locations-test');

beforeEach(async () => {
  await f.knex('inventory_location').whereNot('location_id', 'default').delete();
  await f.knex('inventory_location').insert([
    { location_id: 'berlin', name: 'Berlin', priority: 1 },
    { location_id: 'hamburg', name: 'Hamburg', priority: 2 },
  ]);
  await publishLocations(f.redis, f.t.runner.layout, locations);
});

/** Two locations, one order split over both, a transfer: the state every test starts from. */
async function arrange(): Promise<void> {
  const { runner } = f.t;
  await runner.set({ ...who, skuId: 'mug', locationId: 'berlin', total: 5, safetyStock: 1 });
  await runner.set({ ...who, skuId: 'mug', locationId: 'hamburg', total: 10, backorderLimit: 3 });
  await runner.init({ ...who, skuId: 'plain', initialQuantity: 7 });
  await runner.reserve({
    ...who,
    orderId: 'o1',
    orderIdType: 'string',
    items: [{ skuId: 'mug', quantity: 6 }],
  });
  await runner.reserve({
    ...who,
    orderId: 'o2',
    orderIdType: 'string',
    items: [{ skuId: 'plain', quantity: 2 }],
  });
  await runner.transfer({
    ...who,
    skuId: 'mug',
    quantity: 2,
    fromLocationId: 'hamburg',
    toLocationId: 'berlin',
  });
}

describe('journal drainer and restore, stock per location', () => {
  it('writes a ledger row per location moved (a transfer is two), location rows, and the reservation with its allocations', async () => {
    await arrange();
    await f.drain();
    const ledger = await f
      .knex('inventory_ledger')
      .where({ sku_id: 'mug' })
      .whereIn('action', ['reserve', 'transfer'])
      .orderBy(['id'])
      .select('action', 'location_id', 'delta_total', 'delta_reserved', 'total_after', 'reserved_after');
    expect(ledger).toEqual([
      {
        action: 'reserve',
        location_id: 'berlin',
        delta_total: 0,
        delta_reserved: 4,
        total_after: 5,
        reserved_after: 4,
      },
      {
        action: 'reserve',
        location_id: 'hamburg',
        delta_total: 0,
        delta_reserved: 2,
        total_after: 10,
        reserved_after: 2,
      },
      {
        action: 'transfer',
        location_id: 'berlin',
        delta_total: 2,
        delta_reserved: 0,
        total_after: 7,
        reserved_after: 4,
      },
      {
        action: 'transfer',
        location_id: 'hamburg',
        delta_total: -2,
        delta_reserved: 0,
        total_after: 8,
        reserved_after: 2,
      },
    ]);
    const plainLedger = await f.knex('inventory_ledger').where({ sku_id: 'plain' }).select('location_id');
    expect(plainLedger.map((r) => r.location_id)).toEqual(['default', 'default']);
    const rows = await f
      .knex('inventory_stock_location')
      .orderBy(['sku_id', 'location_id'])
      .select('sku_id', 'location_id', 'total', 'reserved', 'safety_stock', 'backorder_limit');
    expect(rows).toEqual([
      { sku_id: 'mug', location_id: 'berlin', total: 7, reserved: 4, safety_stock: 1, backorder_limit: 0 },
      { sku_id: 'mug', location_id: 'hamburg', total: 8, reserved: 2, safety_stock: 0, backorder_limit: 3 },
    ]);
    const order = await f.knex('inventory_reservation').where({ order_id: 'o1' }).first('items');
    expect(JSON.parse(order?.items as string)).toEqual([
      [
        'mug',
        6,
        [
          ['berlin', 4],
          ['hamburg', 2],
        ],
      ],
    ]);
  });

  it('after Redis loses everything, the restore rebuilds locations, settings, the registry and what each order holds where', async () => {
    // Arrange
    await arrange();
    const before = await readSkuLocations(f.redis, f.t.runner.layout, 'mug');
    const sku = await f.t.runner.get('mug');
    await f.drain();
    await vanishPrefix(f.redis, f.t.prefix);
    // Act
    await restoreFromDatabase({
      redis: f.redis,
      knex: f.knex,
      keys: f.t.runner.keys,
      logger,
      finishedTtlSeconds: 3600,
    });
    // Assert
    expect(await readSkuLocations(f.redis, f.t.runner.layout, 'mug')).toEqual(before);
    expect(await f.t.runner.get('mug')).toEqual(sku);
    expect(await f.redis.hgetall(f.t.runner.keys.locations)).toEqual({
      default: '0',
      berlin: '1',
      hamburg: '2',
    });
    const released = await f.t.runner.release({
      ...who,
      orderId: 'o1',
      orderIdType: 'string',
      reason: 'MANUAL',
    });
    expect(released).toMatchObject({ ok: true });
    const after = await readSkuLocations(f.redis, f.t.runner.layout, 'mug');
    expect(after.map((l) => [l.locationId, l.reserved])).toEqual([
      ['berlin', 0],
      ['default', 0],
      ['hamburg', 0],
    ]);
  });
});
