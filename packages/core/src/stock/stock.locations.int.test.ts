import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from './stock.journal.js';
import { type LocationEntry, publishLocations, readSkuLocations } from './stock.locations.js';
import { createTestStock, type TestStock, testRedisUrl } from './stock.testing.js';
import type { OrderItem } from './stock.types.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
let redis: Redis;
let t: TestStock;

const active = (locationId: string, priority: number): LocationEntry => ({
  locationId,
  priority,
  active: true,
});

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
beforeEach(async () => {
  t = createTestStock(redis);
  await publishLocations(redis, t.runner.layout, [
    active('default', 0),
    active('berlin', 1),
    active('hamburg', 2),
  ]);
});
afterEach(async () => {
  await t.cleanup();
});
afterAll(async () => {
  await redis.quit();
});

/** Sets one location's stock and settings of a SKU. */
async function stock(skuId: string, locationId: string, total: number, settings = {}): Promise<void> {
  const outcome = await t.runner.set({ ...who, skuId, locationId, total, ...settings });
  expect(outcome, `${skuId}@${locationId}`).toMatchObject({ ok: true });
}

/** total / reserved / available per location, as the docs' tables write them. */
async function table(skuId: string): Promise<Record<string, string>> {
  const rows = await readSkuLocations(redis, t.runner.layout, skuId);
  return Object.fromEntries(rows.map((l) => [l.locationId, `${l.total}/${l.reserved}/${l.available}`]));
}

let orders = 0;
const reserve = (items: OrderItem[], extra = {}) =>
  t.runner.reserve({ ...who, orderId: `o${++orders}`, orderIdType: 'string', items, ...extra });

describe('stock per location (docs/locations.md)', () => {
  it('reserves by priority, then splits when the first location runs short, and confirm takes exactly what was held', async () => {
    // Arrange
    await stock('mug', 'berlin', 5);
    await stock('mug', 'hamburg', 10);
    // Act
    const first = await reserve([{ skuId: 'mug', quantity: 3 }]);
    const second = await reserve([{ skuId: 'mug', quantity: 4 }]);
    // Assert
    expect(first.entry?.items).toEqual([
      { skuId: 'mug', quantity: 3, allocations: [{ locationId: 'berlin', quantity: 3 }] },
    ]);
    expect(second.entry?.items[0]?.allocations).toEqual([
      { locationId: 'berlin', quantity: 2 },
      { locationId: 'hamburg', quantity: 2 },
    ]);
    expect(await table('mug')).toEqual({ berlin: '5/5/0', default: '0/0/0', hamburg: '10/2/8' });
    expect(await t.runner.get('mug')).toMatchObject({ total: 15, reserved: 7, available: 8 });
    const confirmed = await t.runner.confirm({ ...who, orderId: `o${orders}`, orderIdType: 'string' });
    expect(confirmed).toMatchObject({ ok: true });
    expect(await table('mug')).toEqual({ berlin: '3/3/0', default: '0/0/0', hamburg: '8/0/8' });
  });

  it('when an order names a location that lacks the stock, fails whole and leaves every location untouched', async () => {
    // Arrange
    await stock('mug', 'berlin', 1);
    await stock('mug', 'hamburg', 10);
    await stock('cup', 'hamburg', 10);
    const before = [await table('mug'), await table('cup')];
    // Act
    const outcome = await reserve([
      { skuId: 'cup', quantity: 1 },
      { skuId: 'mug', quantity: 2, locationId: 'berlin' },
    ]);
    // Assert
    expect(outcome).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(outcome.entry?.failedItems).toEqual([
      { skuId: 'mug', requested: 2, available: 1, locationId: 'berlin' },
    ]);
    expect([await table('mug'), await table('cup')]).toEqual(before);
  });

  it('backorders down to the limit and no further, and only once no location has the units on hand', async () => {
    // Arrange
    await stock('mug', 'berlin', 2, { backorderLimit: 5 });
    await stock('mug', 'hamburg', 3, { backorderLimit: 2 });
    // Act
    const onHand = await reserve([{ skuId: 'mug', quantity: 4 }]);
    const backordered = await reserve([{ skuId: 'mug', quantity: 7 }]);
    const beyond = await reserve([{ skuId: 'mug', quantity: 2 }]); // 1 backorder unit is left
    // Assert
    expect(onHand.entry?.items[0]?.allocations).toEqual([
      { locationId: 'berlin', quantity: 2 },
      { locationId: 'hamburg', quantity: 2 },
    ]);
    // hamburg's last unit on hand goes first, then berlin's backorder room (priority 1), then hamburg's.
    expect(backordered.entry?.items[0]?.allocations).toEqual([
      { locationId: 'berlin', quantity: 5 },
      { locationId: 'hamburg', quantity: 2 },
    ]);
    expect(await table('mug')).toEqual({ berlin: '2/7/-5', default: '0/0/0', hamburg: '3/4/-1' });
    expect(beyond).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(await table('mug')).toEqual({ berlin: '2/7/-5', default: '0/0/0', hamburg: '3/4/-1' });
  });

  it('with allowPartial, holds what there is and reports the rest; with nothing anywhere, fails', async () => {
    // Arrange
    await stock('mug', 'berlin', 3);
    await stock('cup', 'hamburg', 5);
    // Act
    const partial = await reserve(
      [
        { skuId: 'mug', quantity: 5 },
        { skuId: 'cup', quantity: 2 },
      ],
      { allowPartial: true },
    );
    const none = await reserve([{ skuId: 'mug', quantity: 1 }], { allowPartial: true });
    // Assert
    expect(partial).toMatchObject({ ok: true });
    expect(partial.entry?.items).toEqual([
      { skuId: 'mug', quantity: 3, allocations: [{ locationId: 'berlin', quantity: 3 }] },
      { skuId: 'cup', quantity: 2, allocations: [{ locationId: 'hamburg', quantity: 2 }] },
    ]);
    expect(partial.entry?.shortItems).toEqual([{ skuId: 'mug', requested: 5, reserved: 3 }]);
    expect(none).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(await t.runner.get('mug')).toMatchObject({ total: 3, reserved: 3 });
  });

  it('with allowSplit false, takes each item from one location alone', async () => {
    await stock('mug', 'berlin', 2);
    await stock('mug', 'hamburg', 4);
    const outcome = await reserve([{ skuId: 'mug', quantity: 3 }], { allowSplit: false });
    const tooBig = await reserve([{ skuId: 'mug', quantity: 5 }], { allowSplit: false });
    expect(outcome.entry?.items[0]?.allocations).toEqual([{ locationId: 'hamburg', quantity: 3 }]);
    expect(tooBig).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
  });

  it('never sources from an inactive location, and a write naming one answers LOCATION_NOT_FOUND', async () => {
    // Arrange
    await stock('mug', 'berlin', 5);
    await stock('mug', 'hamburg', 5);
    await publishLocations(redis, t.runner.layout, [active('default', 0), active('hamburg', 2)]);
    // Act
    const sourced = await reserve([{ skuId: 'mug', quantity: 2 }]);
    const named = await reserve([{ skuId: 'mug', quantity: 1, locationId: 'berlin' }]);
    const add = await t.runner.add({ ...who, skuId: 'mug', quantity: 1, locationId: 'nowhere' });
    // Assert
    expect(sourced.entry?.items[0]?.allocations).toEqual([{ locationId: 'hamburg', quantity: 2 }]);
    expect(named).toMatchObject({ ok: false, reason: 'LOCATION_NOT_FOUND' });
    expect(add).toMatchObject({ ok: false, reason: 'LOCATION_NOT_FOUND' });
  });

  it('a transfer moves units in one entry with both sides, keeps the SKU total, and never takes reserved units', async () => {
    // Arrange
    await stock('mug', 'berlin', 5);
    await reserve([{ skuId: 'mug', quantity: 4 }]);
    // Act
    const tooMany = await t.runner.transfer({
      ...who,
      skuId: 'mug',
      quantity: 2,
      fromLocationId: 'berlin',
      toLocationId: 'hamburg',
    });
    const moved = await t.runner.transfer({
      ...who,
      skuId: 'mug',
      quantity: 1,
      fromLocationId: 'berlin',
      toLocationId: 'hamburg',
    });
    // Assert
    expect(tooMany).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(moved).toMatchObject({ ok: true });
    expect(moved.entry?.skus[0]).toMatchObject({ dTotal: 0, total: 5 });
    expect(moved.entry?.skus[0]?.locations).toMatchObject([
      { locationId: 'berlin', dTotal: -1, total: 4, reserved: 4 },
      { locationId: 'hamburg', dTotal: 1, total: 1, reserved: 0 },
    ]);
    expect(await table('mug')).toEqual({ berlin: '4/4/0', default: '0/0/0', hamburg: '1/0/1' });
  });

  it('a SKU that never left `default` journals exactly as before locations existed', async () => {
    await t.runner.init({ ...who, skuId: 'plain', initialQuantity: 5 });
    await reserve([{ skuId: 'plain', quantity: 2 }]);
    const journal = await readJournal(redis, t.runner.keys.journal);
    const raw = JSON.stringify(journal.map((r) => r.entry));
    expect(raw).not.toContain('locations');
    expect(raw).not.toContain('allocations');
    expect(journal.at(-1)?.entry.items).toEqual([{ skuId: 'plain', quantity: 2 }]);
  });

  it('plays the worked example of docs/locations.md row by row', async () => {
    await stock('mug', 'berlin', 5, { safetyStock: 1 });
    await stock('mug', 'hamburg', 10, { backorderLimit: 3 });
    const row = async () => {
      const { berlin, hamburg } = await table('mug');
      return [berlin, hamburg, (await t.runner.get('mug'))?.available];
    };
    expect(await row()).toEqual(['5/0/4', '10/0/10', 14]);
    const a = await reserve([{ skuId: 'mug', quantity: 3 }]);
    expect(await row()).toEqual(['5/3/1', '10/0/10', 11]);
    const b = await reserve([{ skuId: 'mug', quantity: 4 }]);
    expect(b.entry?.items[0]?.allocations).toEqual([
      { locationId: 'berlin', quantity: 1 },
      { locationId: 'hamburg', quantity: 3 },
    ]);
    expect(await row()).toEqual(['5/4/0', '10/3/7', 7]);
    expect(await reserve([{ skuId: 'mug', quantity: 8, locationId: 'berlin' }])).toMatchObject({ ok: false });
    expect(await row()).toEqual(['5/4/0', '10/3/7', 7]);
    await reserve([{ skuId: 'mug', quantity: 9 }]);
    expect(await row()).toEqual(['5/4/0', '10/12/-2', -2]);
    expect(await reserve([{ skuId: 'mug', quantity: 2 }])).toMatchObject({ ok: false });
    expect(await row()).toEqual(['5/4/0', '10/12/-2', -2]);
    await t.runner.confirm({ ...who, orderId: b.entry?.orderId ?? '', orderIdType: 'string' });
    expect(await row()).toEqual(['4/3/0', '7/9/-2', -2]);
    await t.runner.release({
      ...who,
      orderId: a.entry?.orderId ?? '',
      orderIdType: 'string',
      reason: 'MANUAL',
    });
    expect(await row()).toEqual(['4/0/3', '7/9/-2', 1]);
    const moved = await t.runner.transfer({
      ...who,
      skuId: 'mug',
      quantity: 2,
      fromLocationId: 'berlin',
      toLocationId: 'hamburg',
    });
    expect(moved).toMatchObject({ ok: true });
    expect(await row()).toEqual(['2/0/1', '9/9/0', 1]);
    expect(await t.runner.get('mug')).toMatchObject({ total: 11 });
  });
});
