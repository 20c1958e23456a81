import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usePipeline } from '../support/pipeline.hooks.js';
import { ofType, pipelineTargets, type TestStack } from '../support/pipeline.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

const start = usePipeline();

describe.each(pipelineTargets)('order saga over Kafka on $target', ({ env }) => {
  it('when the producers send the fixture events, each yields its outcome event with envelope, key, correlation and causation', async () => {
    // Arrange
    const { stack } = await start(env);
    const t = stack.config.kafka.topics;
    await stack.send(t.skuCreated, [
      {
        key: 'ELEC-20260125-AB12-Black-M-1A2B3C',
        value: fixture('product-sku-created.key-ELEC-20260125-AB12-Black-M-1A2B3C.json'),
      },
    ]);
    await stack.waitFor('sku created', (s) => ofType(s, 'stock.adjusted').length === 1);
    await stack.runner.add({ ...ctx, skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C', quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: 'SKU-002', quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: '3001', quantity: 10 });

    // Act: v1 placed then cancelled then confirmed (too late); v2 placed
    await stack.send(t.orderPlaced, [{ key: '1001', value: fixture('order-placed.v1.key-1001.json') }]);
    await stack.send(t.orderPlaced, [{ key: '1002', value: fixture('order-placed.v2.key-1002.json') }]);
    await stack.waitFor('two reservations', (s) => ofType(s, 'stock.reserved').length === 2);
    await stack.send(t.orderCancelled, [{ key: '1001', value: fixture('order-cancelled.v1.key-1001.json') }]);
    await stack.waitFor('release', (s) => ofType(s, 'stock.released').length === 1);
    await stack.send(t.orderConfirmed, [{ key: '1001', value: fixture('order-confirmed.v1.key-1001.json') }]);
    const seen = await stack.waitFor(
      'confirm failure',
      (s) => ofType(s, 'stock.confirm.failed').length === 1,
    );

    // Assert
    const created = ofType(seen, 'stock.adjusted')[0];
    expect(created?.key).toBe('ELEC-20260125-AB12-Black-M-1A2B3C');
    expect(created?.event?.data).toMatchObject({
      skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C',
      delta: 0,
      total: 0,
    });
    expect(created?.event?.data.causationId).toBe('4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a');

    const reserved = ofType(seen, 'stock.reserved').find((s) => s.key === '1001');
    expect(reserved?.topic).toBe(t.stockReserved);
    expect(reserved?.event).toMatchObject({
      source: 'inventory-service',
      specversion: '1.0',
      datacontenttype: 'application/json',
      subject: 'inventory/1001',
      data: {
        orderId: 1001,
        items: [
          { skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C', quantity: 2 },
          { skuId: 'SKU-002', quantity: 1 },
        ],
        correlationId: '1001',
        causationId: '3f6c1d2e-8a4b-4c1e-9f0a-1b2c3d4e5f60',
      },
    });
    expect(reserved?.value).toContain('"orderId":1001,'); // echoed as a JSON number
    expect(Date.parse(String(reserved?.event?.data.expiresAt))).toBeGreaterThan(Date.now());
    expect(reserved?.event?.id).toMatch(/^[0-9a-f-]{36}$/);

    const v2 = ofType(seen, 'stock.reserved').find((s) => s.key === '1002');
    expect(v2?.event?.data).toMatchObject({
      orderId: 1002,
      items: [{ skuId: '3001', quantity: 3 }],
      correlationId: '1002',
    });
    expect(v2?.event?.data.causationId).toBe('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');

    const released = ofType(seen, 'stock.released')[0];
    expect(released?.key).toBe('1001');
    expect(released?.event?.data).toMatchObject({
      orderId: 1001,
      reason: 'CANCELLED',
      causationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    });

    const failed = ofType(seen, 'stock.confirm.failed')[0];
    expect(failed?.event?.data).toMatchObject({
      orderId: 1001,
      reason: 'RESERVATION_RELEASED',
      correlationId: '1001',
      causationId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    });
    expect(typeof failed?.event?.data.occurredAt).toBe('number');

    expect(await stack.runner.get('SKU-002')).toMatchObject({ total: 10, reserved: 0 });
    expect(await stack.runner.get('3001')).toMatchObject({ total: 10, reserved: 3 });
  });

  it('when 200 one-unit orders meet 100 in stock, exactly 100 are reserved and 100 fail, in Redis and MariaDB', async () => {
    const { stack } = await start(env);
    await stack.runner.add({ ...ctx, skuId: 'HOT', quantity: 100 });
    const orders = Array.from({ length: 200 }, (_, i) => ({
      key: String(5000 + i),
      value: JSON.stringify({
        id: `placed-${i}`,
        specversion: '1.0',
        type: 'order.placed',
        source: 'order-service',
        time: 1769335200.5,
        data: { orderId: 5000 + i, items: [{ skuId: 'HOT', quantity: 1 }], correlationId: String(5000 + i) },
      }),
    }));
    await stack.send(stack.config.kafka.topics.orderPlaced, orders);

    const seen = await stack.waitFor(
      '200 outcomes',
      (s) => ofType(s, 'stock.reserved').length + ofType(s, 'stock.reservation.failed').length >= 200,
    );

    expect(ofType(seen, 'stock.reserved')).toHaveLength(100);
    const failures = ofType(seen, 'stock.reservation.failed');
    expect(failures).toHaveLength(100);
    expect(failures[0]?.event?.data).toMatchObject({
      reason: 'NOT_ENOUGH_STOCK',
      failedItems: [{ skuId: 'HOT', requestedQuantity: 1, quantity: 1, availableQuantity: 0 }],
    });
    expect(await stack.runner.get('HOT')).toMatchObject({ total: 100, reserved: 100, available: 0 });
    await waitForSnapshot(stack, 'HOT', { total: 100, reserved: 100 });
    expect(ofType(seen, 'stock.depleted')).toHaveLength(1);
  });
});

async function waitForSnapshot(stack: TestStack, skuId: string, want: { total: number; reserved: number }) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await stack.knex('inventory_snapshot').where({ sku_id: skuId }).first();
    if (row && row.total === want.total && row.reserved === want.reserved) return row;
    if (Date.now() > deadline) throw new Error(`snapshot of ${skuId}: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
