/**
 * Cross-shard orders through the whole pipeline (worker, a relay per shard, Kafka, MariaDB) on the
 * local Redis Cluster with 16 shards: all-or-nothing, one outcome per inbound event, and the
 * durable record of every shard (docs/sharding.md).
 */
import { describe, expect, it } from 'vitest';
import { isCluster } from '../../packages/core/src/index.js';
import { skusOnTwoShards } from '../../packages/core/src/stock/stock.sharded.testing.js';
import { usePipeline } from '../support/pipeline.hooks.js';
import {
  clusterEnv,
  ofType,
  orderEvent,
  type TestStack,
  waitForDurableEqualsLive,
} from '../support/pipeline.js';

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

const startPipeline = usePipeline();

/** Reserved units the order's parts hold in Redis, summed over every shard. */
async function heldByParts(stack: TestStack, orderId: string): Promise<number> {
  const { layout } = stack.runner;
  let held = 0;
  for (let shard = 0; shard < layout.count; shard += 1) {
    const part = await stack.redis.hgetall(layout.keys(shard).part(orderId));
    if (part.status !== 'RESERVED') continue;
    for (const [, quantity] of JSON.parse(part.items ?? '[]') as [string, number][]) held += quantity;
  }
  return held;
}

const placed = (id: string, orderId: number, items: { skuId: string; quantity: number }[]) => ({
  key: String(orderId),
  value: orderEvent(id, 'order.placed', { orderId, items }),
});

describe('cross-shard orders on the Redis Cluster, 16 shards', () => {
  it('when an item on another shard is short, the order fails whole: nothing stays held once it is answered', async () => {
    // Arrange
    const { stack } = await startPipeline(clusterEnv(16));
    expect(isCluster(stack.redis)).toBe(true);
    expect(stack.runner.layout.count).toBe(16);
    const { a, b } = skusOnTwoShards(stack.runner.layout, 'short');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 1 });

    // Act: A has enough, B (on another shard) does not; the event comes twice
    const order = placed('p-short', 7001, [
      { skuId: a, quantity: 2 },
      { skuId: b, quantity: 5 },
    ]);
    await stack.send(stack.config.kafka.topics.orderPlaced, [order, order]);
    await stack.waitFor('the failure', (s) => ofType(s, 'stock.reservation.failed').length >= 1);

    // Assert: one outcome naming B; A's part went back; MariaDB agrees
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong second outcome
    const failures = ofType(stack.seen, 'stock.reservation.failed');
    expect(failures).toHaveLength(1);
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(0);
    expect(failures[0]?.event?.data).toMatchObject({
      orderId: 7001,
      failedItems: [{ skuId: b, requestedQuantity: 5, availableQuantity: 1 }],
    });
    expect(await stack.runner.get(a)).toMatchObject({ total: 10, reserved: 0 });
    expect(await stack.runner.get(b)).toMatchObject({ total: 1, reserved: 0 });
    expect(await heldByParts(stack, '7001')).toBe(0);
    expect(await stack.runner.getReservation('7001')).toMatchObject({ status: 'FAILED' });
    await waitForDurableEqualsLive(stack, [a, b]);
    await waitForRow(stack, '7001', 'FAILED');
  });

  it('when every part is held, one stock.reserved lists all items; a cancel frees every shard', async () => {
    // Arrange
    const { stack } = await startPipeline(clusterEnv(16));
    const t = stack.config.kafka.topics;
    const { a, b } = skusOnTwoShards(stack.runner.layout, 'whole');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 3 });

    // Act: reserve (twice), then cancel (twice)
    const order = placed('p-whole', 7002, [
      { skuId: a, quantity: 4 },
      { skuId: b, quantity: 3 },
    ]);
    await stack.send(t.orderPlaced, [order, order]);
    await stack.waitFor('the reservation', (s) => ofType(s, 'stock.reserved').length >= 1);
    expect(await stack.runner.get(a)).toMatchObject({ reserved: 4 });
    expect(await stack.runner.get(b)).toMatchObject({ reserved: 3, available: 0 });
    expect(await heldByParts(stack, '7002')).toBe(7);
    await waitForRow(stack, '7002', 'RESERVED');
    const cancel = {
      key: '7002',
      value: orderEvent('x-whole', 'order.cancelled', { orderId: 7002, reason: 'USER_REQUEST' }),
    };
    await stack.send(t.orderCancelled, [cancel, cancel]);
    await stack.waitFor('the release', (s) => ofType(s, 'stock.released').length >= 1);

    // Assert: one outcome per inbound event, nothing held, every shard's movements in MariaDB
    await new Promise((r) => setTimeout(r, 500));
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(1);
    expect(ofType(stack.seen, 'stock.released')).toHaveLength(1);
    expect(ofType(stack.seen, 'stock.reserved')[0]?.event?.data.items).toHaveLength(2);
    expect(await heldByParts(stack, '7002')).toBe(0);
    await waitForDurableEqualsLive(stack, [a, b]);
    expect(await stack.runner.get(a)).toMatchObject({ total: 10, reserved: 0 });
    await waitForRow(stack, '7002', 'RELEASED');
    // Two shards' journals wrote the ledger: every id names its shard, so none collided.
    const ledger: { journal_id: string; sku_id: string }[] = await stack
      .knex('inventory_ledger')
      .where('order_id', '7002');
    expect(ledger).toHaveLength(4); // reserve and release of each part
    for (const row of ledger)
      expect(row.journal_id).toMatch(
        new RegExp(`^s${stack.runner.layout.shardOfSku(row.sku_id)}:\\d+-\\d+$`),
      );
  });
});

async function waitForRow(stack: TestStack, orderId: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await stack.knex('inventory_reservation').first('status').where('order_id', orderId);
    if (row?.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`reservation ${orderId}: ${JSON.stringify(row)}, want ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
