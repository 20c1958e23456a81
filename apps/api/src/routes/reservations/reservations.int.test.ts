import { readJournal } from '@inventory/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

const seedContext = { causationId: 'seed', correlationId: 'seed', actor: 'test:seed' };
let t: TestApp;

beforeEach(async () => {
  t = await build();
});
afterEach(async () => {
  await t.close();
});

async function seed(stock: Record<string, number>): Promise<void> {
  for (const [skuId, initialQuantity] of Object.entries(stock)) {
    await t.runner.init({ ...seedContext, skuId, initialQuantity });
  }
}

const service = () => ({
  authorization: `Bearer ${t.token(['SERVICE'], 'order-service')}`,
  'content-type': 'application/json',
});

/** Raw JSON text, so numeric orderIds above 2^53 go out exactly as written. */
const reserve = (json: string, headers: Record<string, string> = service()) =>
  t.app.inject({ method: 'POST', url: '/api/v1/reservations', headers, payload: json });
const settle = (orderId: string, action: 'confirm' | 'release', payload?: object) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/reservations/${orderId}/${action}`,
    headers: service(),
    payload,
  });
const get = (orderId: string) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/reservations/${encodeURIComponent(orderId)}`,
    headers: service(),
  });

describe('POST /api/v1/reservations', () => {
  it('reserves every item, answers 201 with the reservation and holds the stock', async () => {
    // Arrange
    await seed({ A: 10, B: 5 });
    // Act
    const response = await reserve(
      '{"orderId": 1001, "items": [{"skuId": "A", "quantity": 2}, {"skuId": "B", "quantity": 5}]}',
    );
    // Assert
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      success: true,
      data: {
        orderId: 1001,
        status: 'RESERVED',
        items: [
          { skuId: 'A', quantity: 2 },
          { skuId: 'B', quantity: 5 },
        ],
        expiresAt: expect.any(String),
        correlationId: '1001',
      },
      timestamp: expect.any(String),
    });
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([
      { reserved: 2 },
      { reserved: 5, available: 0 },
    ]);
  });

  it('echoes a numeric orderId above 2^53 with every digit, as a JSON number, here and in GET', async () => {
    await seed({ A: 10 });
    const response = await reserve(
      '{"orderId": 92233720368547758071, "items": [{"skuId": "A", "quantity": 1}]}',
    );
    const fetched = await get('92233720368547758071');
    expect(response.statusCode).toBe(201);
    expect(response.body).toContain('"orderId":92233720368547758071,');
    expect(fetched.body).toContain('"orderId":92233720368547758071,');
  });

  it('echoes a string orderId as a string', async () => {
    await seed({ A: 10 });
    const response = await reserve('{"orderId": "ORD-7", "items": [{"skuId": "A", "quantity": 1}]}');
    expect(response.body).toContain('"orderId":"ORD-7"');
  });

  it('a repeat for the same order returns the first response and reserves once', async () => {
    await seed({ A: 10 });
    const body = '{"orderId": 5, "items": [{"skuId": "A", "quantity": 3}]}';
    const first = await reserve(body);
    const repeat = await reserve(body);
    expect(repeat.statusCode).toBe(201);
    expect(repeat.body).toBe(first.body);
    expect(await t.runner.get('A')).toMatchObject({ reserved: 3 });
  });

  it('when stock is short, answers 409 INVENTORY-409-001 with failedItems and reserves nothing', async () => {
    await seed({ A: 10, B: 1 });
    const response = await reserve(
      '{"orderId": 6, "items": [{"skuId": "A", "quantity": 2}, {"skuId": "B", "quantity": 3}]}',
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toEqual({
      code: 'INVENTORY-409-001',
      message: expect.any(String),
      details: {
        orderId: 6,
        reason: 'NOT_ENOUGH_STOCK',
        failedItems: [{ skuId: 'B', requestedQuantity: 3, quantity: 3, availableQuantity: 1 }],
      },
    });
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([{ reserved: 0 }, { reserved: 0 }]);
  });

  it('when a SKU is unknown, answers 409 with reason SKU_NOT_FOUND and availableQuantity null', async () => {
    await seed({ A: 10 });
    const response = await reserve('{"orderId": 7, "items": [{"skuId": "ghost", "quantity": 1}]}');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.details).toMatchObject({
      reason: 'SKU_NOT_FOUND',
      failedItems: [{ skuId: 'ghost', availableQuantity: null }],
    });
  });

  it('a repeat of a failed order returns the same failure, even once stock arrived', async () => {
    await seed({ A: 1 });
    const body = '{"orderId": 8, "items": [{"skuId": "A", "quantity": 2}]}';
    const first = await reserve(body);
    await t.runner.add({ ...seedContext, skuId: 'A', quantity: 10 });
    const repeat = await reserve(body);
    expect(repeat.statusCode).toBe(409);
    expect(repeat.body).toBe(first.body);
  });

  it('merges the same SKU listed twice (quantities add)', async () => {
    await seed({ A: 10 });
    const response = await reserve(
      '{"orderId": 9, "items": [{"skuId": "A", "quantity": 2}, {"skuId": "A", "quantity": 3}]}',
    );
    expect(response.json().data.items).toEqual([{ skuId: 'A', quantity: 5 }]);
  });

  it('when the order has more than 100 distinct SKUs, answers 400 with fieldErrors', async () => {
    const items = Array.from({ length: 101 }, (_, i) => ({ skuId: `s${i}`, quantity: 1 }));
    const response = await reserve(JSON.stringify({ orderId: 10, items }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'COMMON-400-004',
      fieldErrors: [{ field: 'items' }],
    });
  });

  it('when the orderId is a fraction, answers 400 with a fieldError on orderId', async () => {
    const response = await reserve('{"orderId": 1.5, "items": [{"skuId": "A", "quantity": 1}]}');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fieldErrors[0]).toMatchObject({ field: 'orderId', value: 1.5 });
  });

  it('takes the correlationId from the body, else X-Correlation-Id, else the orderId; causationId from the key', async () => {
    await seed({ A: 10 });
    await reserve('{"orderId": 11, "items": [{"skuId": "A", "quantity": 1}], "correlationId": "saga-1"}');
    await reserve('{"orderId": 12, "items": [{"skuId": "A", "quantity": 1}]}', {
      ...service(),
      'x-correlation-id': 'saga-2',
      'idempotency-key': 'req-12',
    });
    await reserve('{"orderId": 13, "items": [{"skuId": "A", "quantity": 1}]}');
    const entries = (await readJournal(t.redis, t.runner.keys.journal)).map((r) => r.entry).slice(-3);
    expect(entries.map((e) => e.correlationId)).toEqual(['saga-1', 'saga-2', '13']);
    expect(entries[1]).toMatchObject({ causationId: 'req-12', actor: 'http:order-service' });
  });
});

describe('GET /api/v1/reservations/{orderId}', () => {
  it('answers the status, items and expiresAt; 404 INVENTORY-404-003 for an unknown order', async () => {
    await seed({ A: 10 });
    await reserve('{"orderId": "X-1", "items": [{"skuId": "A", "quantity": 4}]}');
    const found = await get('X-1');
    const missing = await get('X-2');
    expect(found.json().data).toMatchObject({
      orderId: 'X-1',
      status: 'RESERVED',
      items: [{ skuId: 'A', quantity: 4 }],
    });
    expect(Date.parse(found.json().data.expiresAt)).toBeGreaterThan(Date.now());
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('INVENTORY-404-003');
  });
});

describe('POST /api/v1/reservations/{orderId}/confirm and /release', () => {
  beforeEach(async () => {
    await seed({ A: 10 });
    await reserve('{"orderId": 20, "items": [{"skuId": "A", "quantity": 4}]}');
  });

  it('confirm deducts what was reserved from the total; a repeat returns the same answer', async () => {
    const first = await settle('20', 'confirm');
    const repeat = await settle('20', 'confirm');
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toMatchObject({
      orderId: 20,
      status: 'CONFIRMED',
      items: [{ skuId: 'A', quantity: 4 }],
    });
    expect(repeat.body).toBe(first.body);
    expect(await t.runner.get('A')).toMatchObject({ total: 6, reserved: 0 });
  });

  it('release gives the stock back; a confirm afterwards answers 409 INVENTORY-409-004', async () => {
    const released = await settle('20', 'release', { reason: 'CANCELLED' });
    const confirm = await settle('20', 'confirm');
    expect(released.json().data).toMatchObject({ status: 'RELEASED' });
    expect(await t.runner.get('A')).toMatchObject({ total: 10, reserved: 0 });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json().error).toMatchObject({
      code: 'INVENTORY-409-004',
      details: { reason: 'RESERVATION_RELEASED' },
    });
  });

  it('release of a confirmed order answers 409 INVENTORY-409-004 ALREADY_CONFIRMED and changes nothing', async () => {
    await settle('20', 'confirm');
    const response = await settle('20', 'release');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.details).toMatchObject({ reason: 'ALREADY_CONFIRMED' });
    expect(await t.runner.get('A')).toMatchObject({ total: 6 });
  });

  it('confirm after the deadline answers 409 (expired) and returns the stock', async () => {
    t.clock.now = Date.now() + 901_000; // past the default 900 s TTL
    const response = await settle('20', 'confirm');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.details).toMatchObject({ reason: 'RESERVATION_EXPIRED' });
    expect(await t.runner.get('A')).toMatchObject({ total: 10, reserved: 0 });
  });

  it('confirm of an unknown order answers 404 INVENTORY-404-003', async () => {
    const response = await settle('999', 'confirm');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('INVENTORY-404-003');
  });

  it('a release body with an unknown reason answers 400', async () => {
    const response = await settle('20', 'release', { reason: 'BECAUSE' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fieldErrors[0].field).toBe('reason');
  });
});
