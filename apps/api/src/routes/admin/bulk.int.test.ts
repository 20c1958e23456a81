import { readJournal } from '@inventory/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

let t: TestApp;

beforeEach(async () => {
  t = await build();
});
afterEach(async () => {
  await t.close();
});

const who = { causationId: 'c', correlationId: 'c', actor: 'test' };
const admin = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${t.token(['ADMIN'], 'alice')}`,
  ...extra,
});
const bulk = (payload: unknown, headers: Record<string, string> = admin()) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/inventory/bulk-adjust',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** A: total 10 with 4 reserved by order 1; B: total 5. */
async function seed(): Promise<void> {
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  await t.runner.init({ ...who, skuId: 'B', initialQuantity: 5 });
  await t.runner.reserve({
    ...who,
    orderId: '1',
    orderIdType: 'number',
    items: [{ skuId: 'A', quantity: 4 }],
  });
}

describe('POST /api/v1/admin/inventory/bulk-adjust', () => {
  it('applies every item and answers the state after each, in request order, in the envelope', async () => {
    // Arrange
    await seed();
    // Act
    const response = await bulk({
      items: [
        { skuId: 'B', total: 8 },
        { skuId: 'A', delta: -6 },
        { skuId: 7, delta: 3 },
      ],
      reason: 'stocktake',
    });
    // Assert
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ success: true, timestamp: expect.any(String) });
    expect(body.data.items).toEqual([
      { skuId: 'B', total: 8, reserved: 0, available: 8, version: 2, updatedAt: body.timestamp },
      { skuId: 'A', total: 4, reserved: 4, available: 0, version: 3, updatedAt: body.timestamp },
      { skuId: '7', total: 3, reserved: 0, available: 3, version: 1, updatedAt: body.timestamp },
    ]);
    expect(await t.runner.get('7')).toMatchObject({ total: 3 });
    const journal = await readJournal(t.redis, t.runner.keys.journal);
    expect(journal.at(-1)?.entry).toMatchObject({ action: 'bulk', reason: 'stocktake', actor: 'http:alice' });
  });

  it('without a token answers 401, with a token lacking ADMIN 403, both in the envelope', async () => {
    const payload = { items: [{ skuId: 'A', delta: 1 }] };
    const none = await bulk(payload, {});
    const user = await bulk(payload, { authorization: `Bearer ${t.token(['SERVICE'])}` });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ success: false, error: { code: 'COMMON-401' } });
    expect(user.statusCode).toBe(403);
    expect(user.json()).toMatchObject({ success: false, error: { code: 'COMMON-403' } });
    expect(await t.runner.get('A')).toBeNull();
  });

  it('when items repeat a SKU or are malformed, answers 400 with a fieldError for each', async () => {
    const response = await bulk({
      items: [
        { skuId: 'A', total: 1 },
        { skuId: 'A', delta: 1 },
        { skuId: 'B', total: 1, delta: 2 },
        { skuId: 'C' },
        { skuId: 'D', delta: 0 },
      ],
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().error.fieldErrors.map((e: { field: string; reason: string }) => e.field);
    expect(fields.sort()).toEqual(['items[1].skuId', 'items[2]', 'items[3]', 'items[4].delta']);
    expect(await t.runner.getMany(['A', 'B', 'C', 'D'])).toEqual([null, null, null, null]);
  });

  it('when a SKU repeats in otherwise valid items, names the repeat in fieldErrors', async () => {
    const response = await bulk({
      items: [
        { skuId: 'A', total: 1 },
        { skuId: 'B', total: 1 },
        { skuId: 'A', delta: 1 },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'COMMON-400-004',
      fieldErrors: [{ field: 'items[2].skuId', value: 'A', reason: 'duplicate of items[0]' }],
    });
  });

  it('when only amounts are out of range, answers 400 INVENTORY-400-001; no items or too many: COMMON-400-004', async () => {
    const amounts = await bulk({
      items: [
        { skuId: 'A', delta: 1_000_000_001 },
        { skuId: 'B', total: -1 },
      ],
    });
    const empty = await bulk({ items: [] });
    const tooMany = await bulk({
      items: Array.from({ length: 1001 }, (_, i) => ({ skuId: `S${i}`, total: 1 })),
    });
    expect(amounts.json().error).toMatchObject({
      code: 'INVENTORY-400-001',
      fieldErrors: [{ field: 'items[0].delta' }, { field: 'items[1].total' }],
    });
    for (const response of [empty, tooMany]) {
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'COMMON-400-004',
        fieldErrors: [{ field: 'items' }],
      });
    }
  });

  it('when some items do not fit, answers 409 INVENTORY-409-001 listing every failing item and changes nothing', async () => {
    await seed();
    const response = await bulk({
      items: [
        { skuId: 'B', delta: 1 },
        { skuId: 'A', delta: -7 },
        { skuId: 'B2', total: 1 },
      ],
    });
    const below = await bulk({ items: [{ skuId: 'A', total: 3 }] });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-409-001',
      details: {
        failedItems: [{ skuId: 'A', reason: 'NOT_ENOUGH_STOCK', total: 10, reserved: 4, available: 6 }],
      },
    });
    expect(below.json().error.details.failedItems).toEqual([
      { skuId: 'A', reason: 'BELOW_RESERVED', total: 10, reserved: 4, available: 6 },
    ]);
    expect(await t.runner.getMany(['A', 'B', 'B2'])).toMatchObject([{ total: 10 }, { total: 5 }, null]);
  });

  it('when a stock out names an unknown SKU, answers 404 INVENTORY-404-002 with every failing item', async () => {
    await seed();
    const response = await bulk({
      items: [
        { skuId: 'A', delta: -7 },
        { skuId: 'GHOST', delta: -1 },
      ],
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-404-002',
      details: {
        failedItems: [
          { skuId: 'A', reason: 'NOT_ENOUGH_STOCK', available: 6 },
          { skuId: 'GHOST', reason: 'SKU_NOT_FOUND', total: null, reserved: null, available: null },
        ],
      },
    });
  });

  it('when a total would pass 10^12, answers 400 INVENTORY-400-001 naming the item', async () => {
    await seed();
    await bulk({ items: [{ skuId: 'B', total: 1e12 }] });
    const response = await bulk({
      items: [
        { skuId: 'A', delta: 1 },
        { skuId: 'B', delta: 1 },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-400-001',
      fieldErrors: [{ field: 'items[1].delta', value: 1 }],
      details: { failedItems: [{ skuId: 'B', reason: 'TOTAL_LIMIT', total: 1e12 }] },
    });
    expect(await t.runner.get('A')).toMatchObject({ total: 10 });
  });
});

describe('bulk-adjust with an Idempotency-Key', () => {
  it('a retry answers the first response byte for byte, marked as a replay, and changes nothing', async () => {
    await seed();
    const headers = admin({ 'idempotency-key': 'import-1' });
    const payload = {
      items: [
        { skuId: 'A', delta: 2 },
        { skuId: 'B', total: 1 },
      ],
    };
    const first = await bulk(payload, headers);
    const retry = await bulk(payload, headers);
    expect(first.statusCode).toBe(200);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.runner.getMany(['A', 'B'])).toMatchObject([
      { total: 12, version: 3 },
      { total: 1, version: 2 },
    ]);
  });

  it('a failed first call is replayed as the same failure; other items under the key answer 422', async () => {
    await seed();
    const headers = admin({ 'idempotency-key': 'import-2' });
    const first = await bulk({ items: [{ skuId: 'B', delta: -9 }] }, headers);
    const retry = await bulk({ items: [{ skuId: 'B', delta: -9 }] }, headers);
    const other = await bulk({ items: [{ skuId: 'B', delta: -1 }] }, headers);
    expect(first.statusCode).toBe(409);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toMatchObject({ code: 'COMMON-422', details: { firstAction: 'bulk' } });
    expect(await t.runner.get('B')).toMatchObject({ total: 5 });
  });
});

describe('bulk-adjust body size', () => {
  it('takes 1000 items of 128 escaped astral characters even when HTTP_BODY_LIMIT_BYTES is small', async () => {
    await t.close();
    t = await build({ env: { HTTP_BODY_LIMIT_BYTES: '1024' } });
    const jsonEscape = (s: string) =>
      s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const ids = Array.from({ length: 1000 }, (_, i) => `${'😀'.repeat(124)}${String(i).padStart(4, '0')}`);
    const items = ids.map((skuId) => `{"skuId":"${jsonEscape(skuId)}","total":1000000000000}`);
    const payload = `{"items":[${items.join(',')}],"reason":"${jsonEscape('é'.repeat(64))}"}`;
    const response = await bulk(payload);
    const read = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: admin(),
      payload: { skuIds: ids.slice(0, 10) },
    });
    expect(payload.length).toBeGreaterThan(1024 * 1024);
    expect(response.statusCode).toBe(200);
    expect(response.json().data.items).toHaveLength(1000);
    expect(await t.runner.get(ids[999] as string)).toMatchObject({ total: 1e12 });
    expect(read.statusCode).toBe(413); // the configured limit still holds elsewhere
  });
});

describe('GET /api/v1/admin/inventory', () => {
  it('lists every SKU once the cursor is followed, with live values', async () => {
    await seed();
    await bulk({ items: Array.from({ length: 30 }, (_, i) => ({ skuId: `S${i}`, total: i })) });
    const seen = new Map<string, { available: number }>();
    let cursor: string | null = '0';
    let pages = 0;
    while (cursor !== null && pages < 10_000) {
      const response: LightMyRequestResponse = await t.app.inject({
        method: 'GET',
        url: `/api/v1/admin/inventory?limit=7&cursor=${cursor}`,
        headers: admin(),
      });
      expect(response.statusCode).toBe(200);
      for (const item of response.json().data.items) seen.set(item.skuId, item);
      cursor = response.json().data.nextCursor;
      pages += 1;
    }
    expect(seen.size).toBe(32);
    expect(seen.get('A')).toMatchObject({ total: 10, reserved: 4, available: 6, version: 2 });
  });

  it('answers 400 for a cursor it did not hand out, 401 without a token and 403 without ADMIN', async () => {
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/inventory?cursor=abc',
      headers: admin(),
    });
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/admin/inventory' });
    const user = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/inventory',
      headers: { authorization: `Bearer ${t.token(['USER'])}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fieldErrors[0]).toMatchObject({ field: 'cursor' });
    expect(none.statusCode).toBe(401);
    expect(user.statusCode).toBe(403);
  });
});
