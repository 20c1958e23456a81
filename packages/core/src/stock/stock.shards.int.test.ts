import { describe, expect, it } from 'vitest';
import { shardedTargets, useShardedStock } from './stock.sharded.testing.js';
import { T0, type TestStock } from './stock.testing.js';

/**
 * The sharded store (docs/sharding.md) with single-shard orders and admin writes: on one Redis
 * with 4 shards, and on the local 3-master Redis Cluster with 16 shards (scripts/redis-cluster.sh,
 * started by the test command).
 */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const order = (orderId: string) => ({ ...who, orderId, orderIdType: 'string' as const });

/** SKU ids on pairwise different shards, and the shard of each. */
function skusOnDistinctShards(t: TestStock, count: number): string[] {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < count; i += 1) {
    const skuId = `SKU-${i}`;
    const shard = t.runner.layout.shardOfSku(skuId);
    if (!byShard.has(shard)) byShard.set(shard, skuId);
  }
  return [...byShard.values()];
}

/** An order id whose home shard is not `shard`, so finding its record needs the lookup. */
function orderIdAwayFrom(t: TestStock, shard: number, seed: string): string {
  for (let i = 0; ; i += 1) {
    const id = `${seed}-${i}`;
    if (t.runner.layout.homeShardOf(id) !== shard) return id;
  }
}

describe.each(shardedTargets)('sharded store on $target', (target) => {
  const stock = useShardedStock(target);

  it('keeps each SKU, its order records and its journal entries on the SKU’s shard', async () => {
    const [a, b] = skusOnDistinctShards(stock.t, 2) as [string, string];
    const shardA = stock.t.runner.layout.shardOfSku(a);
    await stock.t.runner.init({ ...who, skuId: a, initialQuantity: 10 });
    await stock.t.runner.init({ ...who, skuId: b, initialQuantity: 10 });
    const orderId = orderIdAwayFrom(stock.t, shardA, 'o');

    const reserved = await stock.t.runner.reserve({ ...order(orderId), items: [{ skuId: a, quantity: 3 }] });

    expect(reserved).toMatchObject({ ok: true });
    const keys = stock.t.runner.layout.keys(shardA);
    expect(await stock.redis.hget(keys.stock(a), 'reserved')).toBe('3');
    expect(await stock.redis.hget(keys.reservation(orderId), 'status')).toBe('RESERVED');
    expect(await stock.redis.xlen(keys.journal)).toBe(2);
    expect(await stock.t.journalLength()).toBe(3);
  });

  it('confirms and releases an order found on its shard, away from the order id’s home shard', async () => {
    const [a] = skusOnDistinctShards(stock.t, 1) as [string];
    const shardA = stock.t.runner.layout.shardOfSku(a);
    await stock.t.runner.init({ ...who, skuId: a, initialQuantity: 10 });
    const [first, second] = [orderIdAwayFrom(stock.t, shardA, 'c'), orderIdAwayFrom(stock.t, shardA, 'r')];
    await stock.t.runner.reserve({ ...order(first), items: [{ skuId: a, quantity: 4 }] });
    await stock.t.runner.reserve({ ...order(second), items: [{ skuId: a, quantity: 5 }] });

    expect(await stock.t.runner.confirm(order(first))).toMatchObject({ ok: true });
    expect(await stock.t.runner.release({ ...order(second), reason: 'CANCELLED' })).toMatchObject({
      ok: true,
    });
    expect(await stock.t.runner.confirm(order(first))).toMatchObject({ ok: true, replayed: true });

    expect(await stock.t.runner.get(a)).toMatchObject({ total: 6, reserved: 0, available: 6 });
    expect(await stock.t.runner.getReservation(first)).toMatchObject({ status: 'CONFIRMED' });
    expect(await stock.t.runner.getReservation(second)).toMatchObject({ status: 'RELEASED' });
  });

  it('answers an unknown order with RESERVATION_NOT_FOUND and leaves its tombstone on its home shard', async () => {
    const outcome = await stock.t.runner.release({ ...order('never-placed'), reason: 'CANCELLED' });
    expect(outcome).toMatchObject({ ok: false, reason: 'RESERVATION_NOT_FOUND' });
    const home = stock.t.runner.layout.keys(stock.t.runner.layout.homeShardOf('never-placed'));
    expect(await stock.redis.hget(home.reservation('never-placed'), 'status')).toBe('NONE');
  });

  it('when 200 orders race for 100 units of one SKU, reserves exactly 100', async () => {
    const [a] = skusOnDistinctShards(stock.t, 1) as [string];
    await stock.t.runner.init({ ...who, skuId: a, initialQuantity: 100 });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stock.t.runner.reserve({ ...order(`race-${i}`), items: [{ skuId: a, quantity: 1 }] }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'INSUFFICIENT_STOCK')).toHaveLength(100);
    expect(await stock.t.runner.get(a)).toMatchObject({ total: 100, reserved: 100, available: 0 });
  });

  it('sends a batch over several shards and answers each command', async () => {
    const skus = skusOnDistinctShards(stock.t, 3);
    const batch = stock.t.runner.batch();
    const inits = skus.map((skuId) => batch.init({ ...who, skuId, initialQuantity: 5 }));
    await batch.exec();
    await Promise.all(inits);
    const second = stock.t.runner.batch();
    const reserves = skus.map((skuId, i) =>
      second.reserve({ ...order(`b-${i}`), items: [{ skuId, quantity: 2 }] }),
    );
    const adds = skus.map((skuId) => second.add({ ...who, skuId, quantity: 1 }));
    await second.exec();

    for (const outcome of [...(await Promise.all(reserves)), ...(await Promise.all(adds))])
      expect(outcome).toMatchObject({ ok: true });
    expect(await stock.t.runner.getMany(skus)).toEqual(
      skus.map((skuId) => expect.objectContaining({ skuId, total: 6, reserved: 2 })),
    );
  });

  it('expires due reservations on every shard', async () => {
    const skus = skusOnDistinctShards(stock.t, 3);
    for (const [i, skuId] of skus.entries()) {
      await stock.t.runner.init({ ...who, skuId, initialQuantity: 5 });
      await stock.t.runner.reserve({ ...order(`e-${i}`), items: [{ skuId, quantity: 1 }], ttlSeconds: 60 });
    }
    stock.t.clock.now = T0 + 61_000;

    const sweep = await stock.t.runner.expireDue(10);

    expect(sweep).toMatchObject({ due: 3, expired: 3 });
    for (const skuId of skus) expect(await stock.t.runner.get(skuId)).toMatchObject({ reserved: 0 });
  });

  it('lists every SKU of every shard (every master of a cluster), page by page', async () => {
    const skus = Array.from({ length: 40 }, (_, i) => `list-${i}`);
    const batch = stock.t.runner.batch();
    for (const skuId of skus) void batch.init({ ...who, skuId, initialQuantity: 1 });
    await batch.exec();

    const seen = new Set<string>();
    let cursor: string | null = '0';
    for (let pages = 0; cursor !== null; pages += 1) {
      if (pages > 100) throw new Error('the walk does not end');
      const page = await stock.t.runner.listSkus(cursor, 7);
      for (const item of page.items) seen.add(item.skuId);
      cursor = page.nextCursor;
    }

    expect([...seen].sort()).toEqual([...skus].sort());
  });

  it('refuses a bulk whose items span shards, before Redis', async () => {
    const [a, b] = skusOnDistinctShards(stock.t, 2) as [string, string];
    const bulk = await stock.t.runner.bulk({
      ...who,
      items: [
        { skuId: a, total: 1 },
        { skuId: b, total: 1 },
      ],
    });
    expect(bulk).toMatchObject({ ok: false, reason: 'INVALID_BULK', errors: [{ field: 'items' }] });
    expect(await stock.t.journalLength()).toBe(0);
  });
});
