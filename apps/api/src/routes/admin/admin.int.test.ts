import { readJournal } from '@inventory/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../../testing/app.testing.js';

let t: TestApp;

beforeEach(async () => {
  t = await build();
});
afterEach(async () => {
  await t.close();
});

function admin(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${t.token(['ADMIN'], 'alice')}`, ...extra };
}

const put = (skuId: string, payload: object, headers = admin()) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/admin/inventory/${encodeURIComponent(skuId)}`,
    headers,
    payload,
  });
const post = (skuId: string, action: 'add' | 'decrease', payload: object, headers = admin()) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/admin/inventory/${encodeURIComponent(skuId)}/${action}`,
    headers,
    payload,
  });

describe('PUT /api/v1/admin/inventory/{skuId}', () => {
  it('creates an unknown SKU with 201, then sets an existing one with 200', async () => {
    // Act
    const created = await put('A', { total: 10 });
    const updated = await put('A', { total: 7, expectedVersion: 1 });
    // Assert
    expect(created.statusCode).toBe(201);
    expect(created.json().data).toMatchObject({
      skuId: 'A',
      total: 10,
      reserved: 0,
      available: 10,
      version: 1,
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().data).toMatchObject({ total: 7, version: 2 });
    expect(await t.runner.get('A')).toMatchObject({ total: 7, version: 2 });
  });

  it('when expectedVersion does not match, answers 409 INVENTORY-409-002 and changes nothing', async () => {
    await put('A', { total: 10 });
    const response = await put('A', { total: 3, expectedVersion: 5 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-409-002',
      details: { skuId: 'A', expectedVersion: 5, currentVersion: 1 },
    });
    expect(await t.runner.get('A')).toMatchObject({ total: 10, version: 1 });
  });

  it('when expectedVersion is 0 and the SKU exists, answers 409 INVENTORY-409-003', async () => {
    await put('A', { total: 10 });
    const response = await put('A', { total: 3, expectedVersion: 0 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('INVENTORY-409-003');
  });

  it('when the new total is below what is reserved, answers 409 INVENTORY-409-001 (BELOW_RESERVED)', async () => {
    await put('A', { total: 10 });
    const who = { causationId: 'c', correlationId: 'c', actor: 'test' };
    await t.runner.reserve({
      ...who,
      orderId: '9',
      orderIdType: 'number',
      items: [{ skuId: 'A', quantity: 6 }],
    });
    const response = await put('A', { total: 5 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-409-001',
      details: { reason: 'BELOW_RESERVED', requestedTotal: 5, reserved: 6 },
    });
  });

  it('when the total is negative, fractional or above 10^12, answers 400 INVENTORY-400-001', async () => {
    for (const total of [-1, 1.5, 1e12 + 1]) {
      const response = await put('A', { total });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'INVENTORY-400-001',
        fieldErrors: [{ field: 'total' }],
      });
    }
    expect(await t.runner.get('A')).toBeNull();
  });
});

describe('POST /api/v1/admin/inventory/{skuId}/add and /decrease', () => {
  it('adds stock (creating an unknown SKU) and takes it out again', async () => {
    const added = await post('B', 'add', { quantity: 5, reason: 'delivery' });
    const taken = await post('B', 'decrease', { quantity: 2, reason: 'damaged' });
    expect(added.statusCode).toBe(200);
    expect(added.json().data).toMatchObject({ total: 5, available: 5 });
    expect(taken.json().data).toMatchObject({ total: 3, available: 3, version: 2 });
  });

  it('when available < quantity, decrease answers 409 INVENTORY-409-001 and changes nothing', async () => {
    await post('B', 'add', { quantity: 2 });
    const response = await post('B', 'decrease', { quantity: 3 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INVENTORY-409-001',
      details: { skuId: 'B', requested: 3, available: 2 },
    });
    expect(await t.runner.get('B')).toMatchObject({ total: 2 });
  });

  it('when the SKU is unknown, decrease answers 404 INVENTORY-404-002', async () => {
    const response = await post('nope', 'decrease', { quantity: 1 });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('INVENTORY-404-002');
  });

  it('when the quantity is 0, a string or above 10^9, answers 400 INVENTORY-400-001', async () => {
    for (const quantity of [0, '5', 1_000_000_001]) {
      const response = await post('B', 'add', { quantity });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'INVENTORY-400-001',
        fieldErrors: [{ field: 'quantity', value: quantity }],
      });
    }
  });

  it('when the reason is longer than the ledger keeps (64), answers 400 COMMON-400-004', async () => {
    const response = await post('B', 'add', { quantity: 1, reason: 'r'.repeat(65) });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'COMMON-400-004',
      fieldErrors: [{ field: 'reason' }],
    });
  });
});

describe('Idempotency-Key', () => {
  it('a retry returns the first response byte for byte and the stock changes once', async () => {
    // Arrange
    const headers = admin({ 'idempotency-key': 'key-1' });
    // Act
    const first = await post('C', 'add', { quantity: 5 }, headers);
    const retry = await post('C', 'add', { quantity: 5 }, headers);
    // Assert
    expect(retry.statusCode).toBe(first.statusCode);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.runner.get('C')).toMatchObject({ total: 5, version: 1 });
  });

  it('records the key as causationId and the caller as actor in the journal', async () => {
    await put('C', { total: 1 }, admin({ 'idempotency-key': 'key-2', 'x-correlation-id': 'corr-9' }));
    const [record] = await readJournal(t.redis, t.runner.keys.journal);
    expect(record?.entry).toMatchObject({
      action: 'set',
      causationId: 'key-2',
      correlationId: 'corr-9',
      actor: 'http:alice',
    });
  });

  it('a failed first call is replayed as the same failure, even after the stock changed', async () => {
    const headers = admin({ 'idempotency-key': 'key-3' });
    await post('D', 'add', { quantity: 1 });
    const first = await post('D', 'decrease', { quantity: 2 }, headers);
    await post('D', 'add', { quantity: 10 });
    const retry = await post('D', 'decrease', { quantity: 2 }, headers);
    expect(first.statusCode).toBe(409);
    expect(retry.statusCode).toBe(409);
    expect(retry.body).toBe(first.body);
    expect(await t.runner.get('D')).toMatchObject({ total: 11 });
  });

  it('without a key, each write is a new write', async () => {
    await post('E', 'add', { quantity: 1 });
    await post('E', 'add', { quantity: 1 });
    expect(await t.runner.get('E')).toMatchObject({ total: 2 });
  });

  it('keys are per caller: two admins using the same key make two writes', async () => {
    const bob = { authorization: `Bearer ${t.token(['ROLE_ADMIN'], 'bob')}`, 'idempotency-key': 'shared' };
    await post('F', 'add', { quantity: 1 }, admin({ 'idempotency-key': 'shared' }));
    await post('F', 'add', { quantity: 1 }, bob);
    expect(await t.runner.get('F')).toMatchObject({ total: 2 });
  });

  it('when a key is reused for another SKU or action, answers 422 COMMON-422 and changes nothing', async () => {
    const headers = admin({ 'idempotency-key': 'key-4' });
    await post('G', 'add', { quantity: 1 }, headers);
    const other = await post('H', 'add', { quantity: 1 }, headers);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('COMMON-422');
    expect(await t.runner.get('H')).toBeNull();
  });

  it('when the key is not 1..255 visible ASCII characters, answers 400 with a fieldError', async () => {
    const response = await post('G', 'add', { quantity: 1 }, admin({ 'idempotency-key': 'has space' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fieldErrors[0]).toMatchObject({
      field: 'idempotency-key',
      value: 'has space',
    });
  });
});
