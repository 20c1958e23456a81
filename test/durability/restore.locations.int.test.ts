import { describe, expect, it } from 'vitest';
import { publishLocations, readSkuLocations } from '../../packages/core/src/index.js';
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

/** Restore of a shard whose held part sits at a location other than `default` (docs/locations.md). */

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };
const startPipeline = usePipeline();

describe('restore of one shard with stock per location, Redis Cluster with 16 shards', () => {
  it('a lost shard gets back its locations and its held part with the part’s allocations, so a cancel frees the right location', async () => {
    // Arrange: B's stock at north (durable location), a cross-shard order holding 2 of it
    const { stack } = await startPipeline(clusterEnv(16));
    const t = stack.config.kafka.topics;
    const { layout } = stack.runner;
    await stack
      .knex('inventory_location')
      .insert({ location_id: 'north', name: 'North', priority: 1 })
      .onConflict()
      .ignore();
    await publishLocations(stack.redis, layout, [
      { locationId: 'default', priority: 0, active: true },
      { locationId: 'north', priority: 1, active: true },
    ]);
    const { a, b } = skusOnTwoShards(layout, 'RL');
    await stack.runner.add({ ...ctx, skuId: a, quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: b, quantity: 5, locationId: 'north' });
    const items = [
      { skuId: a, quantity: 1 },
      { skuId: b, quantity: 2 },
    ];
    await stack.send(t.orderPlaced, [
      { key: '41', value: orderEvent('p-41', 'order.placed', { orderId: 41, items }) },
    ]);
    await stack.waitFor('the reservation', (s) => ofType(s, 'stock.reserved').length === 1);
    await waitForDurableEqualsLive(stack, [a, b]);
    const before = await readSkuLocations(stack.redis, layout, b);
    const lost = layout.keys(layout.shardOfSku(b));
    // Act: B's shard vanishes (its stock, its registry, order 41's part there)
    await vanishPrefix(stack.redis, lost.prefix);
    await waitUntilRestored(stack);
    // Assert: the same locations and registry; the part knows where it holds; a cancel frees north
    expect(await readSkuLocations(stack.redis, layout, b)).toEqual(before);
    expect(await stack.redis.hgetall(lost.locations)).toMatchObject({ default: '0', north: '1' });
    expect(JSON.parse((await stack.redis.hget(lost.part('41'), 'items')) ?? '[]')).toEqual([
      [b, 2, [['north', 2]]],
    ]);
    await stack.send(t.orderCancelled, [
      { key: '41', value: orderEvent('x-41', 'order.cancelled', { orderId: 41 }) },
    ]);
    await stack.waitFor('the release', (s) => ofType(s, 'stock.released').length === 1);
    // The parts settle right after the coordinator answers: wait for B's part to follow.
    let after = await readSkuLocations(stack.redis, layout, b);
    for (let i = 0; i < 100 && after.some((l) => l.reserved !== 0); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      after = await readSkuLocations(stack.redis, layout, b);
    }
    expect(after.map((l) => [l.locationId, l.total, l.reserved])).toEqual([
      ['default', 0, 0],
      ['north', 5, 0],
    ]);
  });
});
