import { describe, expect, it } from 'vitest';
import { runScript } from '../../redis/lua.scripts.js';
import { shardedTargets, useShardedStock } from '../stock.sharded.testing.js';
import { T0 } from '../stock.testing.js';
import { beginOrder, reservePart, SETTLE_RETRY_MS } from './cross-shard.calls.js';
import { PENDING_ORDER_MS } from './cross-shard.orders.js';

/**
 * Orders whose items sit on several shards (docs/sharding.md, "Coordinator states"): all or
 * nothing, one outcome, replays, confirm/release/expire, and recovery of an order whose caller
 * died midway. On one Redis with 4 shards and on the local 3-master Redis Cluster with 16.
 */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const order = (orderId: string) => ({ ...who, orderId, orderIdType: 'string' as const });

describe.each(shardedTargets)('cross-shard orders on $target', (target) => {
  const stock = useShardedStock(target);
  let a: string;
  let b: string;
  /** Two SKUs on different shards, created with these totals. */
  async function twoSkus(totalA: number, totalB: number): Promise<void> {
    const seen = new Map<number, string>();
    for (let i = 0; seen.size < 2; i += 1) {
      const shard = stock.t.runner.layout.shardOfSku(`X-${i}`);
      if (!seen.has(shard)) seen.set(shard, `X-${i}`);
    }
    [a, b] = [...seen.values()] as [string, string];
    await stock.t.runner.init({ ...who, skuId: a, initialQuantity: totalA });
    await stock.t.runner.init({ ...who, skuId: b, initialQuantity: totalB });
  }

  const both = (qa: number, qb: number) => [
    { skuId: a, quantity: qa },
    { skuId: b, quantity: qb },
  ];
  const held = async () => [(await stock.t.runner.get(a))?.reserved, (await stock.t.runner.get(b))?.reserved];

  it('reserves every item across shards and answers once, with every item', async () => {
    await twoSkus(10, 10);

    const outcome = await stock.t.runner.reserve({ ...order('x1'), items: both(2, 3) });
    const again = await stock.t.runner.reserve({ ...order('x1'), items: both(2, 3) });

    expect(outcome).toMatchObject({ ok: true, replayed: false });
    expect(outcome.ok && outcome.entry.items).toEqual(both(2, 3));
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(await held()).toEqual([2, 3]);
    expect(await stock.t.runner.getReservation('x1')).toMatchObject({
      status: 'RESERVED',
      items: both(2, 3),
    });
    // The journals: the opening and the one outcome on the home shard, each part's movements on its shard.
    const layout = stock.t.runner.layout;
    const entriesOn = async (shard: number) =>
      (await stock.redis.xrange(layout.keys(shard).journal, '-', '+'))
        .map(([, fields]) => JSON.parse(fields[1] ?? '{}') as Record<string, unknown>)
        .filter((e) => e.orderId === 'x1');
    const home = await entriesOn(layout.homeShardOf('x1'));
    expect(home.filter((e) => e.stage === 'begin')).toHaveLength(1);
    expect(home.filter((e) => e.part === undefined && e.stage === undefined)).toMatchObject([
      {
        action: 'reserve',
        code: 1,
        items: [
          [a, 2],
          [b, 3],
        ],
      },
    ]);
    for (const [skuId, quantity] of [
      [a, 2],
      [b, 3],
    ] as const) {
      const parts = (await entriesOn(layout.shardOfSku(skuId))).filter((e) => e.part === true);
      expect(parts).toMatchObject([{ action: 'reserve', skus: [{ skuId, dReserved: quantity }] }]);
    }
  });

  it('when one item is short on another shard, holds nothing once the order is answered', async () => {
    await twoSkus(10, 1);

    const outcome = await stock.t.runner.reserve({ ...order('x2'), items: both(2, 3) });

    expect(outcome).toMatchObject({ ok: false, reason: 'INSUFFICIENT_STOCK' });
    expect(!outcome.ok && 'entry' in outcome && outcome.entry?.failedItems).toEqual([
      { skuId: b, requested: 3, available: 1 },
    ]);
    expect(await held()).toEqual([0, 0]);
    expect(await stock.t.runner.reserve({ ...order('x2'), items: both(2, 3) })).toMatchObject({
      ok: false,
      replayed: true,
    });
    expect(await held()).toEqual([0, 0]);
  });

  it('confirms, releases and expires across shards, and replays each', async () => {
    await twoSkus(10, 10);
    await stock.t.runner.reserve({ ...order('c'), items: both(1, 2) });
    await stock.t.runner.reserve({ ...order('r'), items: both(3, 1) });
    await stock.t.runner.reserve({ ...order('e'), items: both(1, 1), ttlSeconds: 60 });

    expect(await stock.t.runner.confirm(order('c'))).toMatchObject({ ok: true });
    expect(await stock.t.runner.release({ ...order('r'), reason: 'CANCELLED' })).toMatchObject({ ok: true });
    stock.t.clock.now = T0 + 61_000;
    const sweep = await stock.t.runner.expireDue(10);
    expect(await stock.t.runner.confirm(order('c'))).toMatchObject({ ok: true, replayed: true });

    expect(sweep).toMatchObject({ expired: 1 });
    expect(await stock.t.runner.get(a)).toMatchObject({ total: 9, reserved: 0 });
    expect(await stock.t.runner.get(b)).toMatchObject({ total: 8, reserved: 0 });
    for (const [id, status] of [
      ['c', 'CONFIRMED'],
      ['r', 'RELEASED'],
      ['e', 'EXPIRED'],
    ] as const)
      expect(await stock.t.runner.getReservation(id)).toMatchObject({ status });
  });

  it('when the caller died after holding a part, the recovery sweep fails the order and frees the part', async () => {
    await twoSkus(10, 10);
    const layout = stock.t.runner.layout;
    const home = layout.homeShardOf('dead');
    const context = (shard: number) => ({
      layout,
      shard,
      keys: layout.keys(shard),
      settings: { reservationTtlSeconds: 900, finishedTtlSeconds: 3600, idempotencyTtlSeconds: 3600 },
      now: T0,
      newId: () => 'id',
    });
    const call = { ...order('dead'), eventId: 'first' };
    const shards = [layout.shardOfSku(a), layout.shardOfSku(b)].sort((x, y) => x - y);
    // The first two steps of a reserve, and then nothing: the caller is gone.
    await runScript(stock.redis, beginOrder(context(home), call, both(4, 4), shards, T0 + PENDING_ORDER_MS));
    await runScript(
      stock.redis,
      reservePart(context(layout.shardOfSku(a)), call, [{ skuId: a, quantity: 4 }]),
    );
    expect(await held()).toEqual([4, 0]);

    stock.t.clock.now = T0 + PENDING_ORDER_MS - 1;
    expect(await stock.t.runner.expireDue(10)).toMatchObject({ expired: 0 });
    expect(await held()).toEqual([4, 0]);
    stock.t.clock.now = T0 + PENDING_ORDER_MS;
    await stock.t.runner.expireDue(10);

    expect(await held()).toEqual([0, 0]);
    expect(await stock.t.runner.getReservation('dead')).toMatchObject({ status: 'FAILED' });
    // The caller's retry (a redelivered order.placed) gets the answer the sweep gave.
    expect(await stock.t.runner.reserve({ ...order('dead'), items: both(4, 4) })).toMatchObject({
      ok: false,
      replayed: true,
      reason: 'INVALID_ORDER',
    });
    expect(await held()).toEqual([0, 0]);
  });

  it('when the order was cancelled before it was placed, refuses it', async () => {
    await twoSkus(10, 10);
    expect(await stock.t.runner.release({ ...order('early'), reason: 'CANCELLED' })).toMatchObject({
      reason: 'RESERVATION_NOT_FOUND',
    });
    expect(await stock.t.runner.reserve({ ...order('early'), items: both(1, 1) })).toMatchObject({
      ok: false,
      reason: 'INVALID_ORDER',
    });
    expect(await held()).toEqual([0, 0]);
  });

  it('when 100 two-shard orders race for 50 units of one item, 50 win and nothing else stays held', async () => {
    await twoSkus(50, 100);
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        stock.t.runner.reserve({ ...order(`race-${i}`), items: both(1, 1) }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
    expect(await held()).toEqual([50, 50]);
  });

  it('when a caller died after the order was answered, before its parts followed, the sweep settles them', async () => {
    await twoSkus(10, 10);
    await stock.t.runner.reserve({ ...order('orphan'), items: both(2, 3) });
    const layout = stock.t.runner.layout;
    const home = layout.keys(layout.homeShardOf('orphan'));
    // What end-order leaves when its caller dies at once: the answer, and the settle-by deadline.
    await stock.redis.hset(home.reservation('orphan'), 'status', 'RELEASED');
    await stock.redis.zadd(home.deadlines, T0 + SETTLE_RETRY_MS, 'orphan');

    stock.t.clock.now = T0 + SETTLE_RETRY_MS;
    const sweep = await stock.t.runner.expireDue(10);

    expect(sweep).toMatchObject({ due: 1, expired: 0 }); // answered before: nothing new to answer
    expect(await held()).toEqual([0, 0]);
    expect(await stock.redis.zscore(home.deadlines, 'orphan')).toBeNull();
  });

  it('when a cancel raced its placed (a tombstone at home, the reservation elsewhere), a redelivered placed replays and a confirm confirms', async () => {
    await twoSkus(10, 10);
    const layout = stock.t.runner.layout;
    const id = [...Array(64).keys()]
      .map((i) => `raced-${i}`)
      .find((o) => layout.homeShardOf(o) !== layout.shardOfSku(a));
    if (!id) throw new Error('no order id homed away from the item');
    const placed = { ...order(id), items: [{ skuId: a, quantity: 1 }] };
    expect(await stock.t.runner.reserve(placed)).toMatchObject({ ok: true, replayed: false });
    // The cancel read no record before the reserve wrote it, and left its tombstone at home.
    await stock.redis.hset(layout.keys(layout.homeShardOf(id)).reservation(id), 'status', 'NONE');

    expect(await stock.t.runner.reserve(placed)).toMatchObject({ ok: true, replayed: true });
    expect(await stock.t.runner.confirm({ ...order(id) })).toMatchObject({ ok: true });
    expect(await stock.t.runner.get(a)).toMatchObject({ total: 9, reserved: 0 });
  });
});
