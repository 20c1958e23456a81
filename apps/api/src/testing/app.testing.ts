import {
  type AppConfig,
  createKnex,
  createRedis,
  createStockRunner,
  type Knex,
  type Logger,
  loadConfig,
  type ServiceDeps,
  type StockRunner,
} from '@inventory/core';
import type { FastifyInstance } from 'fastify';
import {
  deleteByPrefix as deleteKeysByPrefix,
  markRestored,
} from '../../../../packages/core/src/stock/stock.testing.js';
import { testServices, uniquePrefix } from '../../../../test/support/services.js';
import { type AppOptions, buildApp } from '../app.js';
import { checkInjectsAgainstOpenApi } from './openapi.check.js';

/**
 * The API test helper (house style: build() + app.inject + close in afterEach): a real app on the
 * real Redis and MariaDB, with its own Redis key prefix, real JWTs signed by the app, and a clock
 * the test can move. `close()` deletes every key under the prefix. Every `app.inject` is checked
 * against the served OpenAPI document (openapi.check.ts).
 */

export const TEST_JWT_SECRET = 'test-secret-for-the-inventory-api-0123456789';

export interface TestApp {
  app: FastifyInstance;
  runner: StockRunner;
  redis: ServiceDeps['redis'];
  knex: Knex;
  config: AppConfig;
  prefix: string;
  /** The runner's clock (epoch ms); null = real time. */
  clock: { now: number | null };
  /** A signed token for `sub` with these roles. */
  token(roles: string[], sub?: string, options?: { expiresIn?: number | string }): string;
  /** `{ authorization: 'Bearer …' }` for these roles. */
  auth(...roles: string[]): Record<string, string>;
  close(): Promise<void>;
}

export interface BuildOptions {
  env?: Record<string, string>;
  options?: AppOptions;
  logger?: Logger;
}

export async function deleteByPrefix(redis: ServiceDeps['redis'], prefix: string): Promise<void> {
  if (!prefix.startsWith('test-')) throw new Error(`refusing to delete keys under ${prefix}`);
  await deleteKeysByPrefix(redis, prefix);
}

export async function build(overrides: BuildOptions = {}): Promise<TestApp> {
  const prefix = uniquePrefix();
  const config = loadConfig({
    REDIS_URL: testServices.redisUrl,
    DATABASE_URL: testServices.databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    REDIS_KEY_PREFIX: prefix,
    HTTP_RATE_LIMIT_MAX: '1000000',
    LOG_LEVEL: 'silent',
    ...overrides.env,
  });
  const redis = createRedis({ url: config.redis.url, connectionName: 'inventory-api-test' });
  await redis.connect();
  const knex = createKnex(config.database);
  const clock: { now: number | null } = { now: null };
  const runner = createStockRunner({
    redis,
    keyPrefix: config.stock.keyPrefix,
    reservationTtlSeconds: config.stock.reservationTtlSeconds,
    finishedTtlSeconds: config.stock.finishedReservationTtlSeconds,
    idempotencyTtlSeconds: config.stock.idempotencyTtlSeconds,
    clock: () => clock.now ?? Date.now(),
  });
  await markRestored(redis, runner); // as the relay does after its restore: scripts need the marker
  const app = await buildApp({ config, redis, knex, runner, logger: overrides.logger }, overrides.options);
  await checkInjectsAgainstOpenApi(app);
  const token: TestApp['token'] = (roles, sub = 'tester', options = {}) =>
    app.jwt.sign({ sub, roles }, options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn });
  return {
    app,
    runner,
    redis,
    knex,
    config,
    prefix,
    clock,
    token,
    auth: (...roles) => ({ authorization: `Bearer ${token(roles)}` }),
    async close() {
      await app.close();
      await deleteByPrefix(redis, prefix);
      await Promise.allSettled([redis.quit(), knex.destroy()]);
    },
  };
}
