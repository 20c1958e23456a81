import { loadConfig } from '@inventory/core';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../app.js';
import { offlineDeps } from '../offline.deps.js';
import { TEST_JWT_SECRET } from './app.testing.js';
import { checkInjectsAgainstOpenApi } from './openapi.check.js';

/**
 * An app for unit tests: no Redis, no MariaDB. Every runner, Redis and Knex call rejects, so the
 * tests here cover what happens before a dependency is touched (framework errors, auth, the
 * OpenAPI document) and how a dependency failure is answered.
 */

function unavailable(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

export async function buildStubApp(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const config = loadConfig({ JWT_SECRET: TEST_JWT_SECRET, HTTP_RATE_LIMIT_MAX: '1000000', ...env });
  const app = await buildApp(offlineDeps(config, unavailable), { dependencyTimeoutMs: 200, ...options });
  await checkInjectsAgainstOpenApi(app);
  return app;
}
