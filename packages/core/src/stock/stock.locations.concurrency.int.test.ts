import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type LocationEntry, publishLocations, readSkuLocations } from './stock.locations.js';
import { shardedTargets, skusOnTwoShards, useShardedStock } from './stock.sharded.testing.js';
import { testRedisUrl } from './stock.testing.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const locations: LocationEntry[] = [
  { locationId: 'default', priority: 0, active: true },
  { locationId: 'berlin', priority: 1, active: true },
  { locationId: 'hamburg', priority: 2, active: true },
];
const targets = [
  { target: 'one Redis, 1 shard', shards: 1, connect: () => new Redis(testRedisUrl()) },
  ...shardedTargets.filter((t) => t.shards === 16),
];

describe.each(targets)('stock per location under concurrency, on $target', (target) => {
  const s = useShardedStock(target);

  it('200 concurrent orders across 2 locations holding 100 in all reserve exactly 100, none past a location', async () => {
    // Arrange
    const { runner } = s.t;
    await publishLocations(s.redis, runner.layout, locations);
    await runner.set({ ...who, skuId: 'flash', locationId: 'berlin', total: 60 });
    await runner.set({ ...who, skuId: 'flash', locationId: 'hamburg', total: 40 });
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        runner.reserve({
          ...who,
          orderId: `f${i}`,
          orderIdType: 'string',
          items: [{ skuId: 'flash', quantity: 1 }],
        }),
      ),
    );
    // Assert
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    const rows = await readSkuLocations(s.redis, runner.layout, 'flash');
    expect(rows.map((l) => [l.locationId, l.total, l.reserved])).toEqual([
      ['berlin', 60, 60],
      ['default', 0, 0],
      ['hamburg', 40, 40],
    ]);
    const held = new Map<string, number>();
    for (const o of outcomes)
      for (const a of o.ok ? (o.entry.items[0]?.allocations ?? []) : [])
        held.set(a.locationId, (held.get(a.locationId) ?? 0) + a.quantity);
    expect(Object.fromEntries(held)).toEqual({ berlin: 60, hamburg: 40 });
  });

  it('transfers racing reserves never oversell either side, and the units held are the units recorded', async () => {
    // Arrange
    const { runner } = s.t;
    await publishLocations(s.redis, runner.layout, locations);
    await runner.set({ ...who, skuId: 'hot', locationId: 'berlin', total: 50 });
    await runner.set({ ...who, skuId: 'hot', locationId: 'hamburg', total: 50 });
    // Act: 120 one-unit orders, half naming a side, against 40 transfers of 3 units both ways.
    const reserves = Array.from({ length: 120 }, (_, i) =>
      runner.reserve({
        ...who,
        orderId: `h${i}`,
        orderIdType: 'string',
        items: [
          {
            skuId: 'hot',
            quantity: 1,
            ...(i % 2 === 0 ? { locationId: i % 4 === 0 ? 'berlin' : 'hamburg' } : {}),
          },
        ],
      }),
    );
    const transfers = Array.from({ length: 40 }, (_, i) =>
      runner.transfer({
        ...who,
        skuId: 'hot',
        quantity: 3,
        fromLocationId: i % 2 === 0 ? 'berlin' : 'hamburg',
        toLocationId: i % 2 === 0 ? 'hamburg' : 'berlin',
      }),
    );
    const outcomes = await Promise.all(reserves);
    await Promise.all(transfers);
    // Assert
    const rows = await readSkuLocations(s.redis, runner.layout, 'hot');
    for (const row of rows) expect(row.reserved, row.locationId).toBeLessThanOrEqual(row.total);
    expect(rows.reduce((sum, l) => sum + l.total, 0)).toBe(100);
    const held = new Map<string, number>();
    for (const o of outcomes)
      for (const a of o.ok ? (o.entry.items[0]?.allocations ?? []) : [])
        held.set(a.locationId, (held.get(a.locationId) ?? 0) + a.quantity);
    for (const row of rows) expect(held.get(row.locationId) ?? 0, row.locationId).toBe(row.reserved);
    expect(outcomes.filter((o) => o.ok).length).toBe(rows.reduce((sum, l) => sum + l.reserved, 0));
  });
});

const cluster = shardedTargets.find((t) => t.shards === 16);
if (!cluster) throw new Error('no 16-shard cluster target');

describe('stock per location across shards, on a 3-master Redis Cluster with 16 shards', () => {
  const s = useShardedStock(cluster);

  it('an order across shards naming a location that lacks the stock fails whole and holds nothing on either shard', async () => {
    // Arrange
    const { runner } = s.t;
    await publishLocations(s.redis, runner.layout, locations);
    const { a, b } = skusOnTwoShards(runner.layout, 'loc');
    await runner.set({ ...who, skuId: a, locationId: 'berlin', total: 5 });
    await runner.set({ ...who, skuId: b, locationId: 'hamburg', total: 5 });
    // Act
    const outcome = await runner.reserve({
      ...who,
      orderId: 'x1',
      orderIdType: 'string',
      items: [
        { skuId: a, quantity: 2 },
        { skuId: b, quantity: 2, locationId: 'berlin' },
      ],
    });
    // Assert
    expect(outcome).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(await runner.getMany([a, b])).toMatchObject([{ reserved: 0 }, { reserved: 0 }]);
  });

  it('an order across shards answers where each item is held, and confirm takes exactly that', async () => {
    // Arrange
    const { runner } = s.t;
    await publishLocations(s.redis, runner.layout, locations);
    const { a, b } = skusOnTwoShards(runner.layout, 'alloc');
    await runner.set({ ...who, skuId: a, locationId: 'berlin', total: 1 });
    await runner.set({ ...who, skuId: a, locationId: 'hamburg', total: 5 });
    await runner.set({ ...who, skuId: b, locationId: 'hamburg', total: 5 });
    // Act
    const placed = await runner.reserve({
      ...who,
      orderId: 'x2',
      orderIdType: 'string',
      items: [
        { skuId: a, quantity: 3 },
        { skuId: b, quantity: 2 },
      ],
    });
    const confirmed = await runner.confirm({ ...who, orderId: 'x2', orderIdType: 'string' });
    // Assert
    expect(placed.entry?.items).toEqual([
      {
        skuId: a,
        quantity: 3,
        allocations: [
          { locationId: 'berlin', quantity: 1 },
          { locationId: 'hamburg', quantity: 2 },
        ],
      },
      { skuId: b, quantity: 2, allocations: [{ locationId: 'hamburg', quantity: 2 }] },
    ]);
    expect(confirmed).toMatchObject({ ok: true });
    const rows = await readSkuLocations(s.redis, runner.layout, a);
    expect(rows.map((l) => [l.locationId, l.total, l.reserved])).toEqual([
      ['berlin', 0, 0],
      ['default', 0, 0],
      ['hamburg', 3, 0],
    ]);
  });

  it('a partial order across shards holds what each shard has, reports the rest, and fails when nothing is anywhere', async () => {
    // Arrange
    const { runner } = s.t;
    await publishLocations(s.redis, runner.layout, locations);
    const { a, b } = skusOnTwoShards(runner.layout, 'part');
    await runner.set({ ...who, skuId: a, locationId: 'berlin', total: 3 });
    await runner.set({ ...who, skuId: b, locationId: 'berlin', total: 0 });
    const order = (orderId: string) =>
      runner.reserve({
        ...who,
        orderId,
        orderIdType: 'string',
        allowPartial: true,
        items: [
          { skuId: a, quantity: 5 },
          { skuId: b, quantity: 2 },
        ],
      });
    // Act
    const partial = await order('x3');
    const nothing = await order('x4');
    const released = await runner.release({ ...who, orderId: 'x3', orderIdType: 'string', reason: 'MANUAL' });
    // Assert
    expect(partial).toMatchObject({ ok: true });
    expect(partial.entry?.items).toEqual([
      { skuId: a, quantity: 3, allocations: [{ locationId: 'berlin', quantity: 3 }] },
    ]);
    expect(partial.entry?.shortItems).toEqual(
      expect.arrayContaining([
        { skuId: a, requested: 5, reserved: 3 },
        { skuId: b, requested: 2, reserved: 0 },
      ]),
    );
    expect(nothing).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(nothing.entry?.failedItems.map((f) => f.skuId).sort()).toEqual([a, b].sort());
    expect(released).toMatchObject({ ok: true });
    expect(await runner.getMany([a, b])).toMatchObject([{ reserved: 0 }, { reserved: 0 }]);
  });
});
