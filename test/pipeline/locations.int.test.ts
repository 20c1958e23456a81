import { describe, expect, it } from 'vitest';
import { publishLocations } from '../../packages/core/src/index.js';
import { usePipeline } from '../support/pipeline.hooks.js';
import { ofType, orderEvent, pipelineTargets } from '../support/pipeline.js';

/**
 * Stock per location through the saga (docs/locations.md): order.placed items sourced by priority
 * or naming a location, the allocations on stock.reserved, a failure naming its location, the
 * per-location level events, and the durable rows per location.
 */

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };
const startPipeline = usePipeline();

describe.each(pipelineTargets)('stock per location over Kafka on $target', ({ env }) => {
  it('order.placed is sourced by priority or from the named location; the events carry where', async () => {
    // Arrange
    const { stack } = await startPipeline(env);
    const t = stack.config.kafka.topics;
    await publishLocations(stack.redis, stack.runner.layout, [
      { locationId: 'default', priority: 0, active: true },
      { locationId: 'north', priority: 1, active: true },
      { locationId: 'south', priority: 2, active: true },
    ]);
    await stack.runner.set({ ...ctx, skuId: 'LOC-1', locationId: 'north', total: 2 });
    await stack.runner.set({ ...ctx, skuId: 'LOC-1', locationId: 'south', total: 5 });
    const placed = (id: string, orderId: number, items: object[]) =>
      stack.send(t.orderPlaced, [
        { key: String(orderId), value: orderEvent(id, 'order.placed', { orderId, items }) },
      ]);
    // Act
    await placed('p-1', 7001, [{ skuId: 'LOC-1', quantity: 3 }]);
    await placed('p-2', 7002, [{ skuId: 'LOC-1', quantity: 1, locationId: 'north' }]);
    await placed('p-3', 7003, [{ skuId: 'LOC-1', quantity: 1, locationId: 'west' }]);
    // stock.depleted has a topic of its own: it may arrive after the outcomes, so wait for it too.
    const seen = await stack.waitFor(
      'one reserved, two failed, one depleted',
      (s) =>
        ofType(s, 'stock.reserved').length === 1 &&
        ofType(s, 'stock.reservation.failed').length === 2 &&
        ofType(s, 'stock.depleted').length === 1,
    );
    // Assert
    expect(ofType(seen, 'stock.reserved')[0]?.event?.data.items).toEqual([
      {
        skuId: 'LOC-1',
        quantity: 3,
        allocations: [
          { locationId: 'north', quantity: 2 },
          { locationId: 'south', quantity: 1 },
        ],
      },
    ]);
    const failed = ofType(seen, 'stock.reservation.failed');
    const byOrder = new Map(failed.map((f) => [f.key, f.event?.data]));
    expect(byOrder.get('7002')).toMatchObject({
      reason: 'NOT_ENOUGH_STOCK',
      failedItems: [{ skuId: 'LOC-1', requestedQuantity: 1, availableQuantity: 0, locationId: 'north' }],
    });
    expect(byOrder.get('7003')).toMatchObject({
      reason: 'INVALID_ORDER',
      failedItems: [{ skuId: 'LOC-1', availableQuantity: null, locationId: 'west' }],
    });
    const depleted = ofType(seen, 'stock.depleted').map((d) => d.event?.data.locationId ?? 'SKU');
    expect(depleted).toEqual(['north']);
    const rows = await stack
      .knex('inventory_ledger')
      .where({ sku_id: 'LOC-1', action: 'reserve' })
      .orderBy('location_id');
    expect(rows.map((r) => [r.location_id, r.delta_reserved])).toEqual([
      ['north', 2],
      ['south', 1],
    ]);
  });
});
