import { afterEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from '../testing/app.testing.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('restore guard', () => {
  it('while Redis is being restored, stock writes and reads of absent SKUs answer 503 in the envelope; present SKUs still read', async () => {
    // Arrange
    let restoring = false;
    t = await build({ options: { isRedisRestoring: async () => restoring } });
    await t.runner.init({
      causationId: 'c',
      correlationId: 'c',
      actor: 'test',
      skuId: 'THERE',
      initialQuantity: 5,
    });
    const admin = { authorization: `Bearer ${t.token(['ADMIN'])}` };
    restoring = true;

    // Act
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/THERE/add',
      headers: admin,
      payload: { quantity: 1 },
    });
    const reserve = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reservations',
      headers: admin,
      payload: { orderId: 1, items: [{ skuId: 'THERE', quantity: 1 }] },
    });
    const bulk = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/bulk-adjust',
      headers: admin,
      payload: { items: [{ skuId: 'THERE', delta: 1 }] },
    });
    const listing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/inventory?limit=10',
      headers: admin,
    });
    const absent = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/NOT-YET', headers: admin });
    const present = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/THERE', headers: admin });
    const absentOrder = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reservations/999',
      headers: admin,
    });
    const absentThreshold = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/inventory/NOT-YET/low-stock-threshold',
      headers: admin,
    });

    // Assert
    for (const response of [write, reserve, bulk, listing, absent, absentOrder, absentThreshold]) {
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ success: false, error: { code: 'COMMON-503' } });
    }
    expect(present.statusCode).toBe(200);
    expect(present.json().data).toMatchObject({ skuId: 'THERE', total: 5 });
    expect(await t.runner.get('THERE')).toMatchObject({ total: 5 });

    restoring = false;
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/NOT-YET', headers: admin });
    expect(after.statusCode).toBe(404);
  });
});
