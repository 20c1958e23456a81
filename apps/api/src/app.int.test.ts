import { createLogger, type Logger } from '@inventory/core';
import { afterEach, describe, expect, it } from 'vitest';
import { build, type TestApp } from './testing/app.testing.js';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

/** The core's logger (with its redaction rules) writing into an array instead of stdout. */
function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = { write: (chunk: string) => chunks.push(chunk) };
  const logger = createLogger({ name: 'api', level: 'info', pretty: false, destination });
  return { logger, lines: () => chunks.map((c) => JSON.parse(c) as Record<string, unknown>) };
}

describe('request logs', () => {
  it('carry the orderId as correlation id when neither the body nor a header names one', async () => {
    const capture = capturingLogger();
    t = await build({ logger: capture.logger });
    await t.runner.init({
      causationId: 'c',
      correlationId: 'c',
      actor: 'test',
      skuId: 'A',
      initialQuantity: 1,
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/reservations',
      headers: { ...t.auth('SERVICE'), 'x-request-id': 'req-43' },
      payload: { orderId: 77, items: [{ skuId: 'A', quantity: 1 }] },
    });
    const done = capture.lines().find((l) => l.reqId === 'req-43' && l.msg === 'request completed');
    expect(done).toMatchObject({ correlationId: '77', statusCode: 201 });
  });

  it('are one line per request with the request id and the correlation id, and never the token', async () => {
    // Arrange
    const capture = capturingLogger();
    t = await build({ logger: capture.logger });
    const token = t.token(['ADMIN']);
    const headers = {
      authorization: `Bearer ${token}`,
      'x-request-id': 'req-42',
      'x-correlation-id': 'saga-42',
    };
    // Act
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/A/add',
      headers,
      payload: { quantity: 1 },
    });
    // Assert
    const lines = capture.lines().filter((l) => l.reqId === 'req-42');
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        correlationId: 'saga-42',
        method: 'POST',
        url: '/api/v1/admin/inventory/A/add',
        statusCode: 200,
        responseTime: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(capture.lines())).not.toContain(token);
  });

  it('redact an authorization header wherever a line carries one', async () => {
    const capture = capturingLogger();
    t = await build({ logger: capture.logger });
    capture.logger.info({ req: { headers: { authorization: 'Bearer secret-token' } } }, 'debug dump');
    expect(JSON.stringify(capture.lines())).not.toContain('secret-token');
  });
});

describe('rate limiting', () => {
  const stock = (headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/api/v1/inventory/A', headers });
  const bearer = (roles: string[], sub: string) => ({ authorization: `Bearer ${t.token(roles, sub)}` });

  it('past HTTP_RATE_LIMIT_MAX per minute, answers 429 COMMON-429 in the envelope; probes are not limited', async () => {
    // Arrange
    t = await build({ env: { HTTP_RATE_LIMIT_MAX: '2' } });
    const get = () => stock(t.auth());
    // Act
    const statuses = [(await get()).statusCode, (await get()).statusCode];
    const limited = await get();
    const probe = await t.app.inject({ method: 'GET', url: '/health/live' });
    // Assert
    expect(statuses).toEqual([404, 404]);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ success: false, error: { code: 'COMMON-429' } });
    expect(limited.headers['retry-after']).toBeDefined();
    expect(probe.statusCode).toBe(200);
  });

  it('counts per token subject, not per address: another subject from the same address is not limited', async () => {
    // Arrange
    t = await build({ env: { HTTP_RATE_LIMIT_MAX: '2' } });
    for (let i = 0; i < 2; i++) await stock(bearer([], 'storefront-a'));
    // Act
    const limited = await stock(bearer([], 'storefront-a'));
    const other = await stock(bearer([], 'storefront-b'));
    // Assert
    expect(limited.statusCode).toBe(429);
    expect(other.statusCode).toBe(404);
  });

  it('does not limit SERVICE tokens unless HTTP_RATE_LIMIT_SERVICE_MAX is set, then uses that', async () => {
    // Arrange
    t = await build({ env: { HTTP_RATE_LIMIT_MAX: '2' } });
    const unlimited = [];
    for (let i = 0; i < 5; i++)
      unlimited.push((await stock(bearer(['SERVICE'], 'order-service'))).statusCode);
    await t.close();
    t = await build({ env: { HTTP_RATE_LIMIT_MAX: '1', HTTP_RATE_LIMIT_SERVICE_MAX: '3' } });
    const limited = [];
    for (let i = 0; i < 4; i++) limited.push((await stock(bearer(['SERVICE'], 'order-service'))).statusCode);
    // Assert
    expect(unlimited).toEqual([404, 404, 404, 404, 404]);
    expect(limited).toEqual([404, 404, 404, 429]);
  });

  it('counts requests without a valid token per address', async () => {
    // Arrange
    t = await build({ env: { HTTP_RATE_LIMIT_MAX: '2', HTTP_READS_PUBLIC: 'true' } });
    const anonymous = (ip: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/inventory/A', remoteAddress: ip });
    // Act
    const first = [(await anonymous('10.0.0.1')).statusCode, (await anonymous('10.0.0.1')).statusCode];
    const limited = await anonymous('10.0.0.1');
    const other = await anonymous('10.0.0.2');
    // Assert
    expect(first).toEqual([404, 404]);
    expect(limited.statusCode).toBe(429);
    expect(other.statusCode).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('exposes default metrics, request durations by route and status, and stock outcomes', async () => {
    // Arrange
    t = await build();
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/A/add',
      headers: t.auth('ADMIN'),
      payload: { quantity: 1 },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/inventory/A/decrease',
      headers: t.auth('ADMIN'),
      payload: { quantity: 5 },
    });
    // Act
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/v1/admin/inventory/:skuId/add",status_code="200"} 1',
    );
    expect(response.body).toContain('inventory_stock_outcomes_total{action="add",outcome="ok"} 1');
    expect(response.body).toContain(
      'inventory_stock_outcomes_total{action="decrease",outcome="INSUFFICIENT_STOCK"} 1',
    );
  });
});
