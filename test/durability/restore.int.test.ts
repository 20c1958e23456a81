import { describe, expect, it } from 'vitest';
import { createLogger, purgeHttpIdempotency, reconcile } from '../../packages/core/src/index.js';
import { skusOnTwoShards } from '../../packages/core/src/stock/stock.sharded.testing.js';
import { vanishPrefix } from '../../packages/core/src/stock/stock.testing.js';
import { usePipeline } from '../support/pipeline.hooks.js';
import {
  clusterEnv,
  ofType,
  orderEvent,
  waitForDurableEqualsLive,
  waitUntilRestored,
} from '../support/pipeline.js';

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

const startPipeline = usePipeline();

describe('restore from MariaDB', () => {
  it('when Redis loses every key after the journal was drained, the relay rebuilds stock, reservations and replays', async () => {
    // Arrange: stock, one confirmed order, one open reservation, all drained to MariaDB
    const { stack } = await startPipeline();
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'R1', quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: 'R2', quantity: 4 });
    const placed1 = {
      key: 'o',
      value: orderEvent('p-1', 'order.placed', { orderId: 1, items: [{ skuId: 'R1', quantity: 3 }] }),
    };
    const placed2 = {
      key: 'o',
      value: orderEvent('p-2', 'order.placed', {
        orderId: 2,
        items: [
          { skuId: 'R1', quantity: 2 },
          { skuId: 'R2', quantity: 4 },
        ],
      }),
    };
    await stack.send(t.orderPlaced, [placed1, placed2]);
    await stack.waitFor('two reservations', (s) => ofType(s, 'stock.reserved').length === 2);
    await stack.send(t.orderConfirmed, [
      { key: 'o', value: orderEvent('c-1', 'order.confirmed', { orderId: 1 }) },
    ]);
    await stack.waitFor('confirm', (s) => ofType(s, 'stock.confirmed').length === 1);
    await waitForDurableEqualsLive(stack, ['R1', 'R2']);
    const before = await stack.runner.getMany(['R1', 'R2']);
    const openBefore = await stack.runner.getReservation('2');

    // Act: every key of the service disappears (a FLUSHALL as far as this service can tell)
    await vanishPrefix(stack.redis, stack.config.stock.keyPrefix);
    await waitUntilRestored(stack);

    // Assert: the same stock and reservations, open deadlines back, outcomes still replay
    expect(await stack.runner.getMany(['R1', 'R2'])).toEqual(before);
    expect(await stack.runner.getReservation('2')).toEqual(openBefore);
    expect(await stack.redis.zscore(stack.runner.keys.deadlines, '2')).toBe(String(openBefore?.expiresAt));
    await stack.send(t.orderPlaced, [placed1]); // a redelivered placed: replay, no new outcome
    await stack.send(t.orderConfirmed, [
      { key: 'o', value: orderEvent('c-2', 'order.confirmed', { orderId: 2 }) },
    ]);
    await stack.waitFor(
      'confirm of the restored reservation',
      (s) => ofType(s, 'stock.confirmed').length === 2,
    );
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(2);
    expect(await stack.runner.get('R1')).toMatchObject({ total: 5, reserved: 0 });
    expect(await stack.runner.get('R2')).toMatchObject({ total: 0, reserved: 0 });
    await waitForDurableEqualsLive(stack, ['R1', 'R2']);
  });

  it('brings back HTTP Idempotency-Keys: a retry of an acknowledged write after a FLUSHALL changes nothing', async () => {
    // Arrange: an admin add made with an Idempotency-Key, drained to MariaDB
    const { stack } = await startPipeline();
    const key = `api:caller:${Date.now()}`;
    const first = await stack.runner.add({ ...ctx, skuId: 'K1', quantity: 7, idempotencyKey: key });
    expect(first).toMatchObject({ ok: true, replayed: false });
    await waitForDurableEqualsLive(stack, ['K1']);

    // Act: every key disappears; the relay restores; the client retries with the same key
    await vanishPrefix(stack.redis, stack.config.stock.keyPrefix);
    await waitUntilRestored(stack);
    const retry = await stack.runner.add({ ...ctx, skuId: 'K1', quantity: 7, idempotencyKey: key });

    // Assert: the first outcome replays, the stock is added once, the key keeps (most of) its TTL
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(await stack.runner.get('K1')).toMatchObject({ total: 7 });
    const ttl = await stack.redis.ttl(stack.runner.keys.idempotency(key));
    expect(ttl).toBeGreaterThan(stack.config.stock.idempotencyTtlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(stack.config.stock.idempotencyTtlSeconds);

    // And the relay's retention purge forgets a key once its TTL is over, as Redis does
    await stack
      .knex('inventory_http_idempotency')
      .where({ idempotency_key: key })
      .update({
        created_at: new Date(Date.now() - (stack.config.stock.idempotencyTtlSeconds + 1) * 1000),
      });
    expect(await purgeHttpIdempotency(stack.knex, stack.config.stock.idempotencyTtlSeconds)).toBe(1);
    expect(await stack.knex('inventory_http_idempotency').where({ idempotency_key: key })).toHaveLength(0);
  });
});

describe('restore of one shard on the Redis Cluster, 16 shards', () => {
  it('when one shard master loses its data, the relay rebuilds that shard alone: its SKUs, records, coordinators and held parts', async () => {
    // Arrange: a cross-shard order held on two shards, a single-shard order, all drained
    const { stack } = await startPipeline(clusterEnv(16));
    const t = stack.config.kafka.topics;
    const { layout } = stack.runner;
    const { a, b } = skusOnTwoShards(layout, 'RS');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 5 });
    await stack.send(t.orderPlaced, [
      {
        key: '31',
        value: orderEvent('p-31', 'order.placed', {
          orderId: 31,
          items: [
            { skuId: a, quantity: 2 },
            { skuId: b, quantity: 1 },
          ],
        }),
      },
      {
        key: '32',
        value: orderEvent('p-32', 'order.placed', { orderId: 32, items: [{ skuId: b, quantity: 1 }] }),
      },
    ]);
    await stack.waitFor('two reservations', (s) => ofType(s, 'stock.reserved').length === 2);
    await waitForDurableEqualsLive(stack, [a, b]);
    const before = await stack.runner.getMany([a, b]);
    const orders = [await stack.runner.getReservation('31'), await stack.runner.getReservation('32')];
    const lost = layout.keys(layout.shardOfSku(b));
    const partBefore = await stack.redis.hgetall(lost.part('31'));
    expect(partBefore.status).toBe('RESERVED');

    // Act: B's shard (B's stock, order 31's part there, order 32's record) and the shard of order
    // 31's coordinator vanish, each at once
    const home = layout.keys(layout.homeShardOf('31'));
    await vanishPrefix(stack.redis, lost.prefix);
    if (home.prefix !== lost.prefix) await vanishPrefix(stack.redis, home.prefix);
    await waitUntilRestored(stack);

    // Assert: the same stock, records and part; the order still confirms across both shards
    expect(await stack.runner.getMany([a, b])).toEqual(before);
    expect([await stack.runner.getReservation('31'), await stack.runner.getReservation('32')]).toEqual(
      orders,
    );
    expect(await stack.redis.hgetall(lost.part('31'))).toMatchObject({ status: 'RESERVED', kind: 'part' });
    expect(await stack.redis.hgetall(home.reservation('31'))).toMatchObject({
      kind: 'coordinator',
      status: 'RESERVED',
    });
    await stack.send(t.orderConfirmed, [
      { key: '31', value: orderEvent('c-31', 'order.confirmed', { orderId: 31 }) },
    ]);
    await stack.send(t.orderPlaced, [
      {
        key: '32',
        value: orderEvent('p-32', 'order.placed', { orderId: 32, items: [{ skuId: b, quantity: 1 }] }),
      },
    ]); // a redelivered placed after the restore: replayed, no second effect
    await stack.waitFor('the confirm', (s) => ofType(s, 'stock.confirmed').length === 1);
    expect(await stack.runner.get(a)).toMatchObject({ total: 8, reserved: 0 });
    expect(await stack.runner.get(b)).toMatchObject({ total: 4, reserved: 1 });
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(2);
    await waitForDurableEqualsLive(stack, [a, b]);
  });

  it('when one shard drifts, reconcile of that shard finds and repairs it; the other shards compare clean', async () => {
    // Arrange: stock on two shards and a cross-shard order, drained
    const { stack } = await startPipeline(clusterEnv(16));
    const { layout } = stack.runner;
    const logger = createLogger({ name: 'test', level: 'fatal', pretty: false });
    const { a, b } = skusOnTwoShards(layout, 'RC');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 5 });
    const t = stack.config.kafka.topics;
    await stack.send(t.orderPlaced, [
      {
        key: '41',
        value: orderEvent('p-41', 'order.placed', {
          orderId: 41,
          items: [
            { skuId: a, quantity: 2 },
            { skuId: b, quantity: 1 },
          ],
        }),
      },
    ]);
    await stack.waitFor('the reservation', (s) => ofType(s, 'stock.reserved').length === 1);
    await waitForDurableEqualsLive(stack, [a, b]);
    const check = (shard: number, repair: boolean) =>
      reconcile({
        redis: stack.redis,
        knex: stack.knex,
        keys: layout.keys(shard),
        layout,
        shard,
        logger,
        repair,
      });

    // Act: an operator's hand changes B's counters behind the service's back
    const drifted = layout.shardOfSku(b);
    await stack.redis.hset(layout.keys(drifted).stock(b), 'total', 99);
    const reports = await Promise.all(Array.from({ length: layout.count }, (_, s) => check(s, false)));
    const repaired = await check(drifted, true);

    // Assert: only B's shard reports it, as a SKU mismatch; the repair brings MariaDB's counters back
    const drifting = reports.flatMap((r, s) => (r.drift.length > 0 ? [[s, r.drift.map((d) => d.kind)]] : []));
    expect(drifting).toEqual([[drifted, ['sku-mismatch']]]);
    expect(reports.reduce((n, r) => n + r.skusChecked, 0)).toBe(2);
    expect(reports.reduce((n, r) => n + r.reservationsChecked, 0)).toBe(1); // the coordinator, on its home
    expect(repaired).toMatchObject({ repaired: 1, remaining: 0 });
    expect(await stack.runner.get(b)).toMatchObject({ total: 5, reserved: 1 });
  });

  it('when a shard lost the settle of an answered order’s part, the restore puts the order due and the sweep frees the part', async () => {
    // Arrange: a cross-shard order, reserved then cancelled, all drained
    const { stack } = await startPipeline(clusterEnv(16));
    const { layout } = stack.runner;
    const t = stack.config.kafka.topics;
    const { a, b } = skusOnTwoShards(layout, 'RL');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 5 });
    const items = [
      { skuId: a, quantity: 2 },
      { skuId: b, quantity: 1 },
    ];
    await stack.send(t.orderPlaced, [
      { key: '51', value: orderEvent('p-51', 'order.placed', { orderId: 51, items }) },
    ]);
    await stack.waitFor('the reservation', (s) => ofType(s, 'stock.reserved').length === 1);
    await stack.send(t.orderCancelled, [
      { key: '51', value: orderEvent('x-51', 'order.cancelled', { orderId: 51, reason: 'USER_REQUEST' }) },
    ]);
    await stack.waitFor('the release', (s) => ofType(s, 'stock.released').length === 1);
    await waitForDurableEqualsLive(stack, [a, b]);
    // What MariaDB holds when B's shard lost its part's release before the relay drained it: the
    // order answered RELEASED, B's unit still reserved in the snapshot, no release in the ledger.
    await stack.knex('inventory_ledger').where({ order_id: '51', sku_id: b, action: 'release' }).delete();
    await stack.knex('inventory_snapshot').where({ sku_id: b }).increment('reserved', 1);

    // Act: B's shard loses its data and is restored from that record
    await vanishPrefix(stack.redis, layout.keys(layout.shardOfSku(b)).prefix);
    await waitUntilRestored(stack);

    // Assert: the part came back held, and the home shard's sweep released it
    const deadline = Date.now() + 15_000;
    while ((await stack.runner.get(b))?.reserved !== 0) {
      if (Date.now() > deadline)
        throw new Error(`B still reserved: ${JSON.stringify(await stack.runner.get(b))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await stack.runner.get(b)).toMatchObject({ total: 5, reserved: 0 });
    expect(await stack.runner.getReservation('51')).toMatchObject({ status: 'RELEASED' });
    await waitForDurableEqualsLive(stack, [a, b]);
  });
});
