import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismProxy, startPrismProxy } from '../../../../test/support/prism.js';
import { build, type TestApp } from '../testing/app.testing.js';

/**
 * Every operation of the served /openapi.json, called through Stoplight Prism in validating-proxy
 * mode (`prism proxy <document> <api> --errors`), as a client team would check the API. Prism
 * answers itself when the request or the answer breaks the document (a 422 or 500 of its own, or a
 * `sl-violations` header), so each call asserts the API's own status came back untouched.
 */

let t: TestApp;
let prism: PrismProxy;

beforeAll(async () => {
  t = await build();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const api = `http://127.0.0.1:${port}`;
  prism = await startPrismProxy(`${api}/openapi.json`, api);
}, 90_000);
afterAll(async () => {
  await prism?.close();
  await t?.close();
});

interface Call {
  method?: string;
  path: string;
  body?: unknown;
  roles?: string[] | null;
  headers?: Record<string, string>;
}

const called: { method: string; path: string }[] = [];

/** One call through Prism; returns the status after checking Prism let the answer through. */
async function call({ method = 'GET', path, body, roles = ['ADMIN'], headers = {} }: Call) {
  called.push({ method: method.toLowerCase(), path: path.split('?')[0] as string });
  const response = await fetch(`${prism.url}${path}`, {
    method,
    headers: {
      ...(roles === null ? {} : { authorization: `Bearer ${t.token(roles)}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const violations = response.headers.get('sl-violations');
  expect(violations, `${method} ${path}: ${violations}`).toBeNull();
  expect(response.headers.get('content-type'), `${method} ${path}`).toMatch(
    /^(application\/json|text\/plain)/,
  );
  return { status: response.status, body: text };
}

const sku = () => `prism-${Math.random().toString(36).slice(2, 10)}`;
const stockPath = (skuId: string) => `/api/v1/admin/inventory/${skuId}`;

describe('the API through a Prism validating proxy', () => {
  it('answers every operations and health route as documented', async () => {
    const operations = ['/health/live', '/health/ready', '/actuator/health', '/metrics'];
    for (const path of [...operations, '/openapi.json', '/asyncapi.json']) {
      expect((await call({ path, roles: null })).status, path).toBe(200);
    }
  });

  it('answers the stock operations, their successes and their errors, as documented', async () => {
    const a = sku();
    const b = sku();
    expect((await call({ method: 'PUT', path: stockPath(a), body: { total: 10 } })).status).toBe(201);
    expect((await call({ method: 'PUT', path: stockPath(a), body: { total: 12 } })).status).toBe(200);
    expect(
      (await call({ method: 'PUT', path: stockPath(a), body: { total: 5, expectedVersion: 99 } })).status,
    ).toBe(409);
    expect((await call({ method: 'POST', path: `${stockPath(a)}/add`, body: { quantity: 3 } })).status).toBe(
      200,
    );
    expect(
      (await call({ method: 'POST', path: `${stockPath(a)}/decrease`, body: { quantity: 1 } })).status,
    ).toBe(200);
    expect(
      (await call({ method: 'POST', path: `${stockPath(a)}/decrease`, body: { quantity: 999 } })).status,
    ).toBe(409);
    expect(
      (await call({ method: 'POST', path: `${stockPath(b)}/decrease`, body: { quantity: 1 } })).status,
    ).toBe(404);
    const keyed = { method: 'POST', path: `${stockPath(a)}/add`, headers: { 'idempotency-key': `k-${a}` } };
    expect((await call({ ...keyed, body: { quantity: 1 } })).status).toBe(200);
    expect((await call({ ...keyed, path: `${stockPath(b)}/add`, body: { quantity: 1 } })).status).toBe(422);
    expect(
      (await call({ method: 'PUT', path: stockPath(a), body: { total: 1 }, roles: ['USER'] })).status,
    ).toBe(403);

    expect((await call({ path: `/api/v1/inventory/${a}` })).status).toBe(200);
    expect((await call({ path: `/api/v1/inventory/${sku()}` })).status).toBe(404);
    expect(
      (await call({ method: 'POST', path: '/api/v1/inventory/bulk', body: { skuIds: [a, sku()] } })).status,
    ).toBe(200);
    expect((await call({ path: `/api/v1/inventory/${a}/history?limit=2` })).status).toBe(200);
    expect((await call({ path: `/api/v1/inventory/${a}/history?cursor=not-ours` })).status).toBe(400);

    const bulk = {
      items: [
        { skuId: a, delta: 2 },
        { skuId: sku(), total: 4 },
      ],
    };
    expect(
      (await call({ method: 'POST', path: '/api/v1/admin/inventory/bulk-adjust', body: bulk })).status,
    ).toBe(200);
    const tooMuch = { items: [{ skuId: a, delta: -1_000 }] };
    expect(
      (await call({ method: 'POST', path: '/api/v1/admin/inventory/bulk-adjust', body: tooMuch })).status,
    ).toBe(409);
    expect((await call({ path: '/api/v1/admin/inventory?limit=10' })).status).toBe(200);
  });

  it('answers the low-stock threshold operations as documented', async () => {
    const a = sku();
    const path = `${stockPath(a)}/low-stock-threshold`;
    expect((await call({ path })).status).toBe(404);
    await call({ method: 'PUT', path: stockPath(a), body: { total: 10 } });
    expect((await call({ path })).status).toBe(200);
    expect((await call({ method: 'PUT', path, body: { threshold: 3 } })).status).toBe(200);
    expect((await call({ method: 'DELETE', path })).status).toBe(200);
  });

  it('answers the reservation operations, their successes and their errors, as documented', async () => {
    const a = sku();
    await call({ method: 'PUT', path: stockPath(a), body: { total: 5 } });
    const reserve = (orderId: number, quantity: number) =>
      call({
        method: 'POST',
        path: '/api/v1/reservations',
        body: { orderId, items: [{ skuId: a, quantity }] },
        roles: ['SERVICE'],
      });
    const orderId = Date.now();
    expect((await reserve(orderId, 2)).status).toBe(201);
    expect((await reserve(orderId + 1, 99)).status).toBe(409);
    expect((await call({ path: `/api/v1/reservations/${orderId}`, roles: ['SERVICE'] })).status).toBe(200);
    expect((await call({ path: `/api/v1/reservations/${orderId + 2}`, roles: ['SERVICE'] })).status).toBe(
      404,
    );
    // confirm takes no body; release an optional {reason}
    const settle = (id: number, action: 'confirm' | 'release') =>
      call({
        method: 'POST',
        path: `/api/v1/reservations/${id}/${action}`,
        body: action === 'release' ? { reason: 'CANCELLED' } : undefined,
        roles: ['SERVICE'],
      });
    expect((await settle(orderId, 'confirm')).status).toBe(200);
    expect((await settle(orderId, 'release')).status).toBe(409);
    expect((await reserve(orderId + 3, 1)).status).toBe(201);
    expect((await settle(orderId + 3, 'release')).status).toBe(200);
    expect((await settle(orderId + 4, 'confirm')).status).toBe(404);
  });

  it('answers the location operations, their successes and their errors, as documented', async () => {
    const a = sku();
    const here = `prism-${Math.random().toString(36).slice(2, 8)}`;
    const other = `${here}-b`;
    const create = (locationId: string) =>
      call({
        method: 'POST',
        path: '/api/v1/admin/locations',
        body: { locationId, name: locationId, priority: 5 },
      });
    expect((await create(here)).status).toBe(201);
    expect((await create(other)).status).toBe(201);
    expect((await create(here)).status).toBe(409);
    expect((await call({ path: '/api/v1/admin/locations' })).status).toBe(200);
    const stockAt = (locationId: string, body: unknown) =>
      call({ method: 'PUT', path: `${stockPath(a)}/locations/${locationId}`, body });
    expect((await stockAt(here, { total: 5, safetyStock: 1 })).status).toBe(201);
    expect((await stockAt('nowhere', { total: 5 })).status).toBe(404);
    expect((await call({ path: `/api/v1/inventory/${a}/locations` })).status).toBe(200);
    expect((await call({ path: '/api/v1/admin/inventory?limit=10&locations=true' })).status).toBe(200);
    const transfer = (quantity: number) =>
      call({
        method: 'POST',
        path: `${stockPath(a)}/transfer`,
        body: { fromLocationId: here, toLocationId: other, quantity },
      });
    expect((await transfer(2)).status).toBe(200);
    expect((await transfer(99)).status).toBe(409);
    const orderId = Date.now() + 1000;
    const placed = await call({
      method: 'POST',
      path: '/api/v1/reservations',
      body: { orderId, items: [{ skuId: a, quantity: 9 }], allowPartial: true, ttlSeconds: 60 },
      roles: ['SERVICE'],
    });
    expect(placed.status).toBe(201);
    const extend = (id: number) =>
      call({
        method: 'POST',
        path: `/api/v1/reservations/${id}/extend`,
        body: { ttlSeconds: 600 },
        roles: ['SERVICE'],
      });
    expect((await extend(orderId)).status).toBe(200);
    expect((await extend(orderId + 1)).status).toBe(404);
    const deactivate = (locationId: string) =>
      call({ method: 'POST', path: `/api/v1/admin/locations/${locationId}/deactivate` });
    expect((await deactivate(other)).status).toBe(409);
    expect((await deactivate('default')).status).toBe(409);
    expect((await call({ method: 'POST', path: `/api/v1/admin/locations/${here}/activate` })).status).toBe(
      200,
    );
    expect((await call({ method: 'POST', path: '/api/v1/admin/locations/nowhere/activate' })).status).toBe(
      404,
    );
    await t.knex('inventory_location').whereIn('location_id', [here, other]).delete();
  });

  it('has called every operation of the document', () => {
    const document = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const missed = Object.entries(document.paths).flatMap(([template, methods]) => {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return Object.keys(methods)
        .filter((method) => !called.some((c) => c.method === method && pattern.test(c.path)))
        .map((method) => `${method.toUpperCase()} ${template}`);
    });
    expect(missed).toEqual([]);
  });
});
