import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../apps/api/src/app.js';
import { createInventoryClient, type InventoryClient } from '../../packages/client/src/index.js';
import { loadConfig } from '../../packages/core/src/index.js';
import { ofType, type RunningPipeline, startPipeline } from '../support/pipeline.js';

/**
 * The generated client against the real service: an API listening on a port, with the worker and
 * the relay running on the same Redis, MariaDB and broker. It drives the main flows a consumer
 * would (create stock, read it, reserve, confirm, release, bulk, history) through typed calls
 * only: a path, parameter or body the document does not have would not compile.
 */

const JWT_SECRET = 'client-test-secret-0123456789abcdef';
let pipeline: RunningPipeline;
let app: Awaited<ReturnType<typeof buildApp>>;
let admin: InventoryClient;
let service: InventoryClient;

beforeAll(async () => {
  pipeline = await startPipeline();
  const { stack } = pipeline;
  const config = loadConfig({ ...stack.env, JWT_SECRET });
  app = await buildApp({ config, redis: stack.redis, knex: stack.knex, runner: stack.runner });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  admin = createInventoryClient({ baseUrl, token: app.jwt.sign({ sub: 'client-test', roles: ['ADMIN'] }) });
  service = createInventoryClient({
    baseUrl,
    token: app.jwt.sign({ sub: 'order-service', roles: ['SERVICE'] }),
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await pipeline?.stop();
});

const skuPath = (skuId: string) => ({ params: { path: { skuId } } });

describe('the generated client', () => {
  it('creates stock, reads it, and lists its history once the relay stored it', async () => {
    const created = await admin.PUT('/api/v1/admin/inventory/{skuId}', {
      ...skuPath('C-1'),
      body: { total: 10 },
    });
    expect(created.response.status).toBe(201);
    expect(created.data?.data).toMatchObject({ skuId: 'C-1', total: 10, reserved: 0, available: 10 });

    const added = await admin.POST('/api/v1/admin/inventory/{skuId}/add', {
      ...skuPath('C-1'),
      body: { quantity: 5 },
    });
    expect(added.data?.data.total).toBe(15);

    const read = await service.GET('/api/v1/inventory/{skuId}', skuPath('C-1'));
    expect(read.data?.data).toMatchObject({ total: 15, available: 15 });
    const missing = await service.GET('/api/v1/inventory/{skuId}', skuPath('C-none'));
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('INVENTORY-404-002');

    await pipeline.stack.waitFor(
      'stock.adjusted of C-1',
      (seen) => ofType(seen, 'stock.adjusted').length >= 2,
    );
    const history = await admin.GET('/api/v1/inventory/{skuId}/history', {
      params: { path: { skuId: 'C-1' }, query: { limit: 10 } },
    });
    expect(history.data?.data.items.map((row) => row.action)).toEqual(['add', 'set']);
  });

  it('reserves, confirms and releases, and the saga events follow', async () => {
    await admin.PUT('/api/v1/admin/inventory/{skuId}', { ...skuPath('C-2'), body: { total: 5 } });
    const reserve = (orderId: number, quantity: number) =>
      service.POST('/api/v1/reservations', { body: { orderId, items: [{ skuId: 'C-2', quantity }] } });

    const first = await reserve(9001, 2);
    expect(first.response.status).toBe(201);
    expect(first.data?.data).toMatchObject({ orderId: 9001, status: 'RESERVED' });
    const short = await reserve(9002, 99);
    expect(short.response.status).toBe(409);
    expect(short.error?.error.code).toBe('INVENTORY-409-001');

    const confirmed = await service.POST('/api/v1/reservations/{orderId}/confirm', {
      params: { path: { orderId: '9001' } },
    });
    expect(confirmed.data?.data.status).toBe('CONFIRMED');
    await reserve(9003, 1);
    const released = await service.POST('/api/v1/reservations/{orderId}/release', {
      params: { path: { orderId: '9003' } },
      body: { reason: 'CANCELLED' },
    });
    expect(released.data?.data.status).toBe('RELEASED');
    const got = await service.GET('/api/v1/reservations/{orderId}', {
      params: { path: { orderId: '9001' } },
    });
    expect(got.data?.data.status).toBe('CONFIRMED');

    const stock = await service.GET('/api/v1/inventory/{skuId}', skuPath('C-2'));
    expect(stock.data?.data).toMatchObject({ total: 3, reserved: 0, available: 3 });
    await pipeline.stack.waitFor('the saga events', (seen) =>
      ['stock.reserved', 'stock.confirmed', 'stock.released'].every((type) => ofType(seen, type).length > 0),
    );
  });

  it('adjusts and reads many SKUs at once', async () => {
    const bulk = await admin.POST('/api/v1/admin/inventory/bulk-adjust', {
      body: {
        items: [
          { skuId: 'C-3', total: 7 },
          { skuId: 'C-4', delta: 4 },
        ],
      },
      params: { header: { 'idempotency-key': 'client-bulk-1' } },
    });
    expect(bulk.data?.data.items.map((s) => [s.skuId, s.total])).toEqual([
      ['C-3', 7],
      ['C-4', 4],
    ]);
    const many = await service.POST('/api/v1/inventory/bulk', { body: { skuIds: ['C-3', 'C-4', 'C-none'] } });
    expect(many.data?.data.missing).toEqual(['C-none']);
    expect(many.data?.data.items).toHaveLength(2);
    const page = await admin.GET('/api/v1/admin/inventory', { params: { query: { limit: 100 } } });
    expect(page.data?.data.items.map((s) => s.skuId)).toEqual(expect.arrayContaining(['C-3', 'C-4']));
  });
});
