import { describe, expect, it } from 'vitest';
import { usePipeline } from '../support/pipeline.hooks.js';
import { ofType, orderEvent, waitForDurableEqualsLive } from '../support/pipeline.js';

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

const startPipeline = usePipeline();

describe('low-stock threshold over the pipeline', () => {
  it('when reservations take available below the threshold and to 0, publishes one stock.low, then depleted and restored', async () => {
    // Arrange: 10 units, threshold 5 (what PUT …/low-stock-threshold writes)
    const { stack } = await startPipeline();
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'A', quantity: 10 });
    await stack.knex('inventory_sku_threshold').insert({ sku_id: 'A', threshold: 5 });
    // One key, so one partition: available goes 10 → 6 → 4 (below 5) → 0 in this order.
    const placed = [
      [1, 4],
      [2, 2],
      [3, 4],
    ].map(([orderId, quantity]) => ({
      key: 'same-customer',
      value: orderEvent(`p-${orderId}`, 'order.placed', { orderId, items: [{ skuId: 'A', quantity }] }),
    }));

    // Act: every order.placed delivered twice, then order 3 cancelled (0 → 4)
    await stack.send(t.orderPlaced, [...placed, ...placed]);
    await stack.waitFor('depleted', (s) => ofType(s, 'stock.depleted').length === 1);
    await stack.send(t.orderCancelled, [
      { key: '3', value: orderEvent('x-3', 'order.cancelled', { orderId: 3, reason: 'USER_REQUEST' }) },
    ]);
    // The first stock.restored is the SKU's creation by `add` (0 → 10); the second is the cancel.
    const seen = await stack.waitFor(
      'restored and low',
      (s) => ofType(s, 'stock.restored').length === 2 && ofType(s, 'stock.low').length >= 1,
    );
    await waitForDurableEqualsLive(stack, ['A']);

    // Assert: exactly one stock.low, for the reservation that crossed the threshold
    const low = ofType(seen, 'stock.low');
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({ topic: t.stockLow, key: 'A' });
    expect(low[0]?.event).toMatchObject({
      type: 'stock.low',
      subject: 'inventory/A',
      data: { skuId: 'A', available: 4, threshold: 5, orderId: 2, causationId: 'p-2' },
    });
    expect(await stack.knex('inventory_outbox').where('topic', t.stockLow).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
    // Reaching 0 and rising again are the depleted/restored pair; rising emits no stock.low.
    expect(ofType(seen, 'stock.depleted')[0]?.event?.data).toMatchObject({ available: 0, orderId: 3 });
    expect(ofType(seen, 'stock.restored')[1]?.event?.data).toMatchObject({ available: 4, orderId: 3 });
    expect(await stack.runner.get('A')).toMatchObject({ total: 10, reserved: 6, available: 4 });
  });

  it('when available rises back to the threshold and falls below it again, publishes a second stock.low; without a threshold, none', async () => {
    // Arrange: A starts at its threshold; B has none
    const { stack } = await startPipeline();
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'A', quantity: 5 });
    await stack.runner.add({ ...ctx, skuId: 'B', quantity: 5 });
    await stack.knex('inventory_sku_threshold').insert({ sku_id: 'A', threshold: 5 });

    // Act: 5 → 4 (low), 4 → 5 (back at the threshold), 5 → 1 (low again); B takes the same path
    for (const skuId of ['A', 'B']) {
      await stack.runner.decrease({ ...ctx, skuId, quantity: 1 });
      await stack.runner.add({ ...ctx, skuId, quantity: 1 });
      await stack.runner.decrease({ ...ctx, skuId, quantity: 4, reason: 'DAMAGED' });
    }
    await waitForDurableEqualsLive(stack, ['A', 'B']);
    const seen = await stack.waitFor('two stock.low', (s) => ofType(s, 'stock.low').length >= 2);

    // Assert
    const low = ofType(seen, 'stock.low');
    expect(low.map((s) => [s.key, s.event?.data.available])).toEqual([
      ['A', 4],
      ['A', 1],
    ]);
    expect(new Set(low.map((s) => s.event?.id)).size).toBe(2);
    expect(await stack.knex('inventory_outbox').where('topic', t.stockLow).count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
  });
});
