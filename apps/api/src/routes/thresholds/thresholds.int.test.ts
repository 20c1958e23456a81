import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

let t: TestApp;
// The test database is shared by every API test: SKU ids of this file's own, removed afterwards.
let sku: string;

beforeEach(async () => {
  t = await build();
  sku = `low-${randomUUID()}`;
});
afterEach(async () => {
  await t.knex('inventory_sku_threshold').where('sku_id', sku).delete();
  await t.close();
});

const ctx = { causationId: 'c', correlationId: 'c', actor: 'test' };
const url = (skuId: string) => `/api/v1/admin/inventory/${encodeURIComponent(skuId)}/low-stock-threshold`;
const call = (method: 'GET' | 'PUT' | 'DELETE', skuId: string, headers: object, payload?: object) =>
  t.app.inject({ method, url: url(skuId), headers: headers as Record<string, string>, payload });
const stored = () => t.knex('inventory_sku_threshold').where('sku_id', sku).first();

describe('PUT, GET, DELETE /api/v1/admin/inventory/{skuId}/low-stock-threshold', () => {
  it('sets, reads and removes the threshold, each answer in the success envelope', async () => {
    // Arrange
    await t.runner.add({ ...ctx, skuId: sku, quantity: 10 });
    // Act
    const before = await call('GET', sku, t.auth('VIEWER'));
    const set = await call('PUT', sku, t.auth('ADMIN'), { threshold: 3 });
    const read = await call('GET', sku, t.auth('VIEWER'));
    const removed = await call('DELETE', sku, t.auth('ADMIN'));
    const after = await call('GET', sku, t.auth('VIEWER'));
    // Assert
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      success: true,
      data: { skuId: sku, threshold: null, updatedAt: null },
      timestamp: expect.any(String),
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({
      success: true,
      data: { skuId: sku, threshold: 3, updatedAt: expect.stringMatching(/^\d{4}-.*Z$/) },
      timestamp: expect.any(String),
    });
    expect(read.json().data).toEqual(set.json().data);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().data).toEqual({ skuId: sku, threshold: null, updatedAt: null });
    expect(after.json().data.threshold).toBeNull();
    expect(await stored()).toBeUndefined();
  });

  it('when the same threshold is set again, keeps the row and its updatedAt; a new value moves both', async () => {
    await t.runner.add({ ...ctx, skuId: sku, quantity: 10 });
    const headers = t.auth('ADMIN');
    const first = await call('PUT', sku, { ...headers, 'idempotency-key': 'k-1' }, { threshold: 5 });
    await new Promise((r) => setTimeout(r, 5));
    const retry = await call('PUT', sku, { ...headers, 'idempotency-key': 'k-1' }, { threshold: 5 });
    await new Promise((r) => setTimeout(r, 5));
    const changed = await call('PUT', sku, headers, { threshold: 7 });

    expect(retry.json().data).toEqual(first.json().data);
    expect(changed.json().data.threshold).toBe(7);
    expect(Date.parse(changed.json().data.updatedAt)).toBeGreaterThan(
      Date.parse(first.json().data.updatedAt),
    );
    expect(await stored()).toMatchObject({ threshold: 7 });
  });

  it('when the SKU is unknown in Redis, answers 404 INVENTORY-404-002 to every method and stores nothing', async () => {
    for (const [method, payload] of [['GET'], ['PUT', { threshold: 3 }], ['DELETE']] as const) {
      const response = await call(method, sku, t.auth('ADMIN'), payload);
      expect(response.statusCode, method).toBe(404);
      expect(response.json()).toMatchObject({
        success: false,
        error: { code: 'INVENTORY-404-002', details: { skuId: sku } },
      });
    }
    expect(await stored()).toBeUndefined();
  });

  it('when the threshold is missing, 0, fractional, a string or above 10^12, answers 400 with fieldErrors', async () => {
    await t.runner.add({ ...ctx, skuId: sku, quantity: 10 });
    for (const payload of [
      {},
      { threshold: 0 },
      { threshold: 1.5 },
      { threshold: '3' },
      { threshold: 1e12 + 1 },
    ]) {
      const response = await call('PUT', sku, t.auth('ADMIN'), payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({
        success: false,
        error: { code: 'COMMON-400-004', fieldErrors: [{ field: 'threshold' }] },
      });
    }
    expect(await stored()).toBeUndefined();
    expect((await call('PUT', sku, t.auth('ADMIN'), { threshold: 1e12 })).statusCode).toBe(200);
  });

  it('when the token is missing, answers 401; without ADMIN, PUT and DELETE answer 403 and GET is allowed', async () => {
    await t.runner.add({ ...ctx, skuId: sku, quantity: 10 });
    await call('PUT', sku, t.auth('ADMIN'), { threshold: 4 });

    const anonymous = await call('GET', sku, {});
    const put = await call('PUT', sku, t.auth('SERVICE'), { threshold: 9 });
    const del = await call('DELETE', sku, t.auth('SERVICE'));
    const get = await call('GET', sku, t.auth('SERVICE'));

    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('COMMON-401');
    expect([put.statusCode, del.statusCode]).toEqual([403, 403]);
    expect(put.json().error.code).toBe('COMMON-403');
    expect(get.json().data.threshold).toBe(4);
    expect(await stored()).toMatchObject({ threshold: 4 });
  });
});

describe('low-stock threshold with MariaDB down', () => {
  it('answers 503 COMMON-503 in the error envelope (Redis still answers the SKU check)', async () => {
    // Arrange: the same Redis, a MariaDB address nothing listens on
    const down = await build({
      env: { DATABASE_URL: 'mysql://root@127.0.0.1:1/inventory_test' },
      options: { dependencyTimeoutMs: 300 },
    });
    try {
      await down.runner.add({ ...ctx, skuId: sku, quantity: 10 });
      // Act
      const put = await down.app.inject({
        method: 'PUT',
        url: url(sku),
        headers: down.auth('ADMIN'),
        payload: { threshold: 3 },
      });
      const get = await down.app.inject({ method: 'GET', url: url(sku), headers: down.auth('ADMIN') });
      // Assert
      for (const response of [put, get]) {
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ success: false, error: { code: 'COMMON-503' } });
      }
    } finally {
      await down.close();
    }
  });
});
