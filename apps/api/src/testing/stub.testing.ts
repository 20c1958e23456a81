import { type Knex, loadConfig, type ServiceDeps, type StockRunner } from '@inventory/core';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../app.js';
import { TEST_JWT_SECRET } from './app.testing.js';

/**
 * An app for unit tests: no Redis, no MariaDB. Every runner, Redis and Knex call rejects, so the
 * tests here cover what happens before a dependency is touched (framework errors, auth, the
 * OpenAPI document) and how a dependency failure is answered.
 */

function unavailable(): never {
  throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

// A function target, so `knex('table')` fails the same way as `runner.get()`.
const rejecting: unknown = new Proxy(() => undefined, {
  get: (_target, property) => (property === 'then' ? undefined : async () => unavailable()),
  apply: () => unavailable(),
});

export async function buildStubApp(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const config = loadConfig({ JWT_SECRET: TEST_JWT_SECRET, HTTP_RATE_LIMIT_MAX: '1000000', ...env });
  return buildApp(
    {
      config,
      redis: rejecting as ServiceDeps['redis'],
      knex: rejecting as Knex,
      runner: rejecting as StockRunner,
    },
    { dependencyTimeoutMs: 200, ...options },
  );
}
