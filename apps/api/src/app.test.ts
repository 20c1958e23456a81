import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStubApp } from './testing/stub.testing.js';

/**
 * What the API answers before a dependency is touched, and when one is down: every answer is an
 * envelope with the contract's codes, never a 500 for something the client sent.
 */

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

function admin(): Record<string, string> {
  return { authorization: `Bearer ${app.jwt.sign({ sub: 'alice', roles: ['ADMIN'] })}` };
}

function expectErrorEnvelope(body: unknown, code: string): void {
  expect(body).toEqual({
    success: false,
    error: expect.objectContaining({ code, message: expect.any(String) }),
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
}

describe('framework errors', () => {
  it('when the route does not exist, answers 404 COMMON-404 in the envelope', async () => {
    app = await buildStubApp();
    const response = await app.inject({ method: 'DELETE', url: '/api/v1/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expectErrorEnvelope(response.json(), 'COMMON-404');
  });

  it('when the Content-Type is not JSON, answers 415 COMMON-415', async () => {
    app = await buildStubApp();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/reservations',
      headers: { ...admin(), 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(response.statusCode).toBe(415);
    expectErrorEnvelope(response.json(), 'COMMON-415');
  });

  it('when a request without a body names another Content-Type, ignores it', async () => {
    app = await buildStubApp();
    const response = await app.inject({
      method: 'DELETE',
      url: '/api/v1/admin/inventory/A/low-stock-threshold',
      headers: { ...admin(), 'content-type': 'multipart/form-data' },
      payload: '',
    });
    // The stub app has no database, so the route itself answers 503: the point is that it ran.
    expect(response.statusCode).toBe(503);
    expectErrorEnvelope(response.json(), 'COMMON-503');
  });

  it('when the body is larger than HTTP_BODY_LIMIT_BYTES, answers 413 COMMON-413', async () => {
    app = await buildStubApp({ HTTP_BODY_LIMIT_BYTES: '1024' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: JSON.stringify({ skuIds: Array.from({ length: 200 }, (_, i) => `sku-${i}`) }),
    });
    expect(response.statusCode).toBe(413);
    expectErrorEnvelope(response.json(), 'COMMON-413');
  });

  it('when the JSON is malformed, answers 400 COMMON-400-001', async () => {
    app = await buildStubApp();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"skuIds": [',
    });
    expect(response.statusCode).toBe(400);
    expectErrorEnvelope(response.json(), 'COMMON-400-001');
  });

  it('when the body fails validation, answers 400 COMMON-400-004 with fieldErrors', async () => {
    app = await buildStubApp();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/inventory/bulk',
      headers: admin(),
      payload: { skuIds: [] },
    });
    expect(response.statusCode).toBe(400);
    expectErrorEnvelope(response.json(), 'COMMON-400-004');
    expect(response.json().error.fieldErrors).toEqual([
      { field: 'skuIds', value: null, reason: expect.any(String) },
    ]);
  });

  it('when the URL has a broken percent-encoding, answers 400 in the envelope', async () => {
    app = await buildStubApp();
    const response = await app.inject({ method: 'GET', url: '/api/v1/inventory/%E0%A4%A', headers: admin() });
    expect(response.statusCode).toBe(400);
    expectErrorEnvelope(response.json(), 'COMMON-400-004');
  });

  it('when a path skuId is longer than 128 characters, answers 400 with a fieldError, not 404', async () => {
    app = await buildStubApp();
    const skuId = encodeURIComponent('가'.repeat(129));
    const response = await app.inject({ method: 'GET', url: `/api/v1/inventory/${skuId}`, headers: admin() });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fieldErrors[0].field).toBe('skuId');
  });
});

describe('dependencies down', () => {
  it('when Redis does not answer, a read answers 503 COMMON-503 in the envelope', async () => {
    app = await buildStubApp();
    const response = await app.inject({ method: 'GET', url: '/api/v1/inventory/A', headers: admin() });
    expect(response.statusCode).toBe(503);
    expectErrorEnvelope(response.json(), 'COMMON-503');
  });

  it('when MariaDB does not answer, history answers 503 and readiness is DOWN', async () => {
    app = await buildStubApp();
    const history = await app.inject({ method: 'GET', url: '/api/v1/inventory/A/history', headers: admin() });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(history.statusCode).toBe(503);
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.details).toEqual({
      status: 'DOWN',
      checks: { redis: 'DOWN', mariadb: 'DOWN', redisRestore: 'UP' },
    });
  });

  it('liveness stays UP', async () => {
    app = await buildStubApp();
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: true, data: { status: 'UP' } });
  });
});

describe('request id and docs', () => {
  it('honours a well-formed X-Request-Id and replaces a malformed one', async () => {
    app = await buildStubApp();
    const kept = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'req-123' },
    });
    const replaced = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'bad id' },
    });
    expect(kept.headers['x-request-id']).toBe('req-123');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('redirects /swagger-ui.html to /docs and serves Swagger UI there', async () => {
    app = await buildStubApp();
    const redirect = await app.inject({ method: 'GET', url: '/swagger-ui.html' });
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});
