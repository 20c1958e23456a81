import { readFileSync } from 'node:fs';
import { parseInbound } from '@inventory/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

/**
 * An HTTP reservation and a Kafka order.placed for the same order are one reservation: the event is
 * parsed by the core's inbound parser and run through the same runner command the worker uses.
 */

let t: TestApp;

beforeEach(async () => {
  t = await build();
});
afterEach(async () => {
  await t.close();
});

async function seed(stock: Record<string, number>): Promise<void> {
  for (const [skuId, initialQuantity] of Object.entries(stock)) {
    await t.runner.init({
      causationId: 'seed',
      correlationId: 'seed',
      actor: 'test:seed',
      skuId,
      initialQuantity,
    });
  }
}

const reserve = (json: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/reservations',
    headers: {
      authorization: `Bearer ${t.token(['SERVICE'], 'order-service')}`,
      'content-type': 'application/json',
    },
    payload: json,
  });

describe('HTTP and Kafka are one reservation', () => {
  const fixture = readFileSync(
    new URL('../../../../../test/fixtures/order-placed.v1.key-1001.json', import.meta.url),
  );
  const skus = { 'ELEC-20260125-AB12-Black-M-1A2B3C': 5, 'SKU-002': 5 };
  const httpBody = JSON.stringify({
    orderId: 1001,
    items: [
      { skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C', quantity: 2 },
      { skuId: 'SKU-002', quantity: 1 },
    ],
  });

  /** What the worker does with an order.placed record: parse it, then the same runner command. */
  async function kafkaOrderPlaced() {
    const parsed = parseInbound('order.placed', fixture);
    if (parsed.status !== 'ok' || parsed.event.kind !== 'order.placed')
      throw new Error('fixture did not parse');
    const { event } = parsed;
    const context = {
      causationId: event.eventId,
      correlationId: event.correlationId,
      actor: `kafka:${event.kind}`,
    };
    return t.runner.reserve({
      ...context,
      orderId: event.orderId,
      orderIdType: event.orderIdType,
      items: event.items,
    });
  }

  it('when the HTTP reservation comes first, the Kafka order.placed replays it', async () => {
    await seed(skus);
    const http = await reserve(httpBody);
    const kafka = await kafkaOrderPlaced();
    expect(http.statusCode).toBe(201);
    expect(kafka).toMatchObject({ ok: true, replayed: true });
    expect(new Date(kafka.entry?.expiresAt ?? 0).toISOString()).toBe(http.json().data.expiresAt);
    expect(await t.runner.getMany(Object.keys(skus))).toMatchObject([{ reserved: 2 }, { reserved: 1 }]);
  });

  it('when the Kafka order.placed comes first, the HTTP call answers 201 with that reservation', async () => {
    await seed(skus);
    const kafka = await kafkaOrderPlaced();
    const http = await reserve(httpBody);
    expect(http.statusCode).toBe(201);
    expect(http.json().data).toMatchObject({ orderId: 1001, status: 'RESERVED', correlationId: '1001' });
    expect(http.json().data.expiresAt).toBe(new Date(kafka.entry?.expiresAt ?? 0).toISOString());
    expect(await t.runner.getMany(Object.keys(skus))).toMatchObject([{ reserved: 2 }, { reserved: 1 }]);
  });
});
