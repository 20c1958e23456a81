import { createKnex, createRedis, createStockRunner, loadConfig } from '@inventory/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testServices } from '../../../../../test/support/services.js';
import { buildApp } from '../../app.js';
import { build, TEST_JWT_SECRET, type TestApp } from '../../testing/app.testing.js';

let t: TestApp | undefined;
let app: FastifyInstance | undefined;
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await t?.close();
  await app?.close();
  for (const close of closers.splice(0)) await close();
  t = undefined;
  app = undefined;
});

// A port nothing listens on: the dependency is "down".
const deadPort = 'mysql://root@127.0.0.1:1/inventory_test';

describe('GET /health/ready and /actuator/health', () => {
  it('when Redis and MariaDB answer, are UP', async () => {
    t = await build();
    for (const url of ['/health/ready', '/actuator/health']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.json().data).toEqual({
        status: 'UP',
        checks: { redis: 'UP', mariadb: 'UP', redisRestore: 'UP' },
      });
    }
  });

  it('when MariaDB is down, readiness is 503 but reads keep working from Redis; history answers 503', async () => {
    // Arrange
    t = await build({ env: { DATABASE_URL: deadPort }, options: { dependencyTimeoutMs: 1000 } });
    await t.runner.init({
      causationId: 'c',
      correlationId: 'c',
      actor: 'test',
      skuId: 'A',
      initialQuantity: 3,
    });
    // Act
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/inventory/A', headers: t.auth() });
    const history = await t.app.inject({
      method: 'GET',
      url: '/api/v1/inventory/A/history',
      headers: t.auth(),
    });
    // Assert
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      success: false,
      error: { code: 'COMMON-503', details: { checks: { redis: 'UP', mariadb: 'DOWN' } } },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().data.total).toBe(3);
    expect(history.statusCode).toBe(503);
    expect(history.json()).toMatchObject({ success: false, error: { code: 'COMMON-503' } });
  });

  it('while Redis is being restored (the hook says so), readiness is 503', async () => {
    t = await build({ options: { isRedisRestoring: async () => true } });
    const response = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.details.checks).toMatchObject({
      redis: 'UP',
      mariadb: 'UP',
      redisRestore: 'DOWN',
    });
  });

  it('when Redis is down, readiness is 503 and a read answers 503, never 500', async () => {
    // Arrange: a client on a port nothing listens on
    const config = loadConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL: 'redis://127.0.0.1:1/0',
      DATABASE_URL: testServices.databaseUrl,
    });
    const redis = createRedis({ url: config.redis.url, connectionName: 'inventory-api-test-down' });
    redis.on('error', () => {}); // expected: nothing listens there
    const knex = createKnex(config.database);
    closers.push(
      async () => redis.disconnect(),
      () => knex.destroy(),
    );
    const runner = createStockRunner({
      redis,
      keyPrefix: 'test-down:',
      reservationTtlSeconds: 900,
      finishedTtlSeconds: 3600,
      idempotencyTtlSeconds: 3600,
    });
    app = await buildApp({ config, redis, knex, runner }, { dependencyTimeoutMs: 1000 });
    const token = app.jwt.sign({ sub: 'alice', roles: ['ADMIN'] });
    // Act
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    const read = await app.inject({
      method: 'GET',
      url: '/api/v1/inventory/A',
      headers: { authorization: `Bearer ${token}` },
    });
    // Assert
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.details.checks).toMatchObject({ redis: 'DOWN', mariadb: 'UP' });
    expect(read.statusCode).toBe(503);
    expect(read.json()).toMatchObject({ success: false, error: { code: 'COMMON-503' } });
  });
});
