import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

const who = { causationId: 'seed', correlationId: 'seed', actor: 'test:seed' };
let t: TestApp;

beforeEach(async () => {
  t = await build();
});
afterEach(async () => {
  await t.close();
});

async function seed(stock: Record<string, number>): Promise<void> {
  for (const [skuId, initialQuantity] of Object.entries(stock))
    await t.runner.init({ ...who, skuId, initialQuantity });
}

describe('GET /api/v1/inventory/{skuId}', () => {
  it('when the SKU exists, answers its live stock in the success envelope', async () => {
    // Arrange
    await seed({ 'ELEC-1': 10 });
    await t.runner.reserve({
      ...who,
      orderId: '1',
      orderIdType: 'number',
      items: [{ skuId: 'ELEC-1', quantity: 3 }],
    });
    // Act
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/inventory/ELEC-1',
      headers: t.auth('USER'),
    });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      data: {
        skuId: 'ELEC-1',
        total: 10,
        reserved: 3,
        available: 7,
        version: 2,
        updatedAt: expect.any(String),
      },
      timestamp: expect.any(String),
    });
  });

  it('when the skuId is URL-encoded non-ASCII text with a slash, finds that SKU', async () => {
    const skuId = '셔츠/빨강 M';
    await seed({ [skuId]: 4 });
    const url = `/api/v1/inventory/${encodeURIComponent(skuId)}`;
    const response = await t.app.inject({ method: 'GET', url, headers: t.auth() });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ skuId, total: 4 });
  });

  it('when the SKU does not exist, answers 404 INVENTORY-404-002', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/nope', headers: t.auth() });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ success: false, error: { code: 'INVENTORY-404-002' } });
  });

  it('when the skuId has a control character, answers 400 COMMON-400-004 with a fieldError', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/a%01b', headers: t.auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'COMMON-400-004',
      fieldErrors: [{ field: 'skuId', value: 'a\u0001b', reason: 'must not contain control characters' }],
    });
  });

  it('when reads are configured public, answers without a token', async () => {
    await t.close();
    t = await build({ env: { HTTP_READS_PUBLIC: 'true' } });
    await seed({ A: 1 });
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/A' });
    expect(response.statusCode).toBe(200);
  });
});

describe('POST /api/v1/inventory/bulk', () => {
  it('answers the known SKUs in request order and lists the missing ones', async () => {
    await seed({ A: 1, B: 2 });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: t.auth(),
      payload: { skuIds: ['B', 'X', 'A', 'B', 'Y'] },
    });
    expect(response.statusCode).toBe(200);
    const data = response.json().data;
    expect(data.items.map((i: { skuId: string }) => i.skuId)).toEqual(['B', 'A']);
    expect(data.missing).toEqual(['X', 'Y']);
  });

  it('accepts 1000 skuIds and rejects 1001 with a fieldError', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: t.auth(),
      payload: { skuIds: ids(1000) },
    });
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: t.auth(),
      payload: { skuIds: ids(1001) },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.missing).toHaveLength(1000);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({
      code: 'COMMON-400-004',
      fieldErrors: [{ field: 'skuIds' }],
    });
  });
});

describe('GET /api/v1/inventory/{skuId}/history', () => {
  let skuId: string;
  beforeEach(() => {
    skuId = `hist-${randomUUID()}`;
  });
  afterEach(async () => {
    await t.knex('inventory_ledger').where('sku_id', skuId).delete();
  });

  async function insertLedger(count: number): Promise<void> {
    const rows = Array.from({ length: count }, (_, i) => ({
      journal_id: `${1769335200000 + i}-0`,
      sku_id: skuId,
      delta_total: 1,
      delta_reserved: 0,
      total_after: i + 1,
      reserved_after: 0,
      version: i + 1,
      action: 'add',
      reason: i === 0 ? 'first' : null,
      actor: 'http:test',
    }));
    await t.knex('inventory_ledger').insert(rows);
  }

  it('pages newest first with an opaque cursor until nextCursor is null', async () => {
    // Arrange
    await insertLedger(5);
    const page = (query: string) =>
      t.app.inject({ method: 'GET', url: `/api/v1/inventory/${skuId}/history?${query}`, headers: t.auth() });
    // Act
    const first = (await page('limit=2')).json().data;
    const second = (await page(`limit=2&cursor=${first.nextCursor}`)).json().data;
    const third = (await page(`limit=2&cursor=${second.nextCursor}`)).json().data;
    // Assert
    const versions = [first, second, third].flatMap((p) =>
      p.items.map((i: { version: number }) => i.version),
    );
    expect(versions).toEqual([5, 4, 3, 2, 1]);
    expect(third.nextCursor).toBeNull();
    expect(third.items.at(-1)).toMatchObject({
      skuId,
      locationId: 'default',
      action: 'add',
      reason: 'first',
      totalAfter: 1,
      availableAfter: 1,
    });
  });

  it('defaults to 50 rows and answers an empty page for a SKU without movements', async () => {
    await insertLedger(51);
    const full = await t.app.inject({
      method: 'GET',
      url: `/api/v1/inventory/${skuId}/history`,
      headers: t.auth(),
    });
    const empty = await t.app.inject({
      method: 'GET',
      url: '/api/v1/inventory/none-at-all/history',
      headers: t.auth(),
    });
    expect(full.json().data.items).toHaveLength(50);
    expect(full.json().data.nextCursor).not.toBeNull();
    expect(empty.json()).toMatchObject({ success: true, data: { items: [], nextCursor: null } });
  });

  it('rejects a limit above 200 and a forged cursor with fieldErrors', async () => {
    const limit = await t.app.inject({
      method: 'GET',
      url: `/api/v1/inventory/${skuId}/history?limit=500`,
      headers: t.auth(),
    });
    const cursor = await t.app.inject({
      method: 'GET',
      url: `/api/v1/inventory/${skuId}/history?cursor=@@`,
      headers: t.auth(),
    });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error.fieldErrors[0].field).toBe('limit');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().error.fieldErrors[0]).toMatchObject({ field: 'cursor', value: '@@' });
  });
});
