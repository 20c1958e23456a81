import {
  type AppConfig,
  buildAsyncApiDocument,
  type Knex,
  type Logger,
  requireJwtSecret,
  type ServiceDeps,
  type StockRunner,
} from '@inventory/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiMetrics } from './api.metrics.js';
import { serializerCompiler, validatorCompiler } from './http/validation.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { errorHandlerPlugin, handleError } from './plugins/error-handler.plugin.js';
import { jsonBodyPlugin } from './plugins/json-body.plugin.js';
import { metricsPlugin } from './plugins/metrics.plugin.js';
import { rateLimitPlugin } from './plugins/rate-limit.plugin.js';
import { requestContextPlugin, requestLoggingOptions } from './plugins/request-context.plugin.js';
import { restoreGuardPlugin } from './plugins/restore-guard.plugin.js';
import { swaggerPlugin } from './plugins/swagger.plugin.js';
import { createLedgerRepository } from './repositories/ledger.repository.js';
import { createLocationRepository } from './repositories/location.repository.js';
import { createThresholdRepository } from './repositories/threshold.repository.js';
import { adminRoutes } from './routes/admin/index.js';
import { docsRoutes } from './routes/docs/index.js';
import { healthRoutes } from './routes/health/index.js';
import { inventoryRoutes } from './routes/inventory/index.js';
import { locationRoutes } from './routes/locations/index.js';
import { reservationRoutes } from './routes/reservations/index.js';
import { thresholdRoutes } from './routes/thresholds/index.js';

/** What the API runs on; main.ts builds it from the configuration, tests from their own env. */
export interface AppDeps {
  config: Pick<AppConfig, 'http' | 'kafka' | 'events'>;
  redis: ServiceDeps['redis'];
  knex: Knex;
  runner: StockRunner;
  /** pino; without it the app does not log. */
  logger?: Logger;
  /** The registry the runner's script timings go to (main.ts); a fresh one when absent. */
  metrics?: ApiMetrics;
}

export interface AppOptions {
  /**
   * Readiness hook for the durability issue: true while Redis is being restored from MariaDB
   * (the `Prestored` marker is not set yet). Defaults to "never restoring".
   */
  isRedisRestoring?: () => Promise<boolean>;
  /** How long Redis or MariaDB may take in a readiness probe or a history query (default 2000 ms). */
  dependencyTimeoutMs?: number;
}

/** A SKU id is 128 characters at most, but percent-encoded UTF-8 can take 12 bytes per character. */
const maxParamLength = 2048;

/** The API: plugins, then routes. It never listens (main.ts does); tests use app.inject. */
export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { http } = deps.config;
  const secret = requireJwtSecret(deps.config);
  const timeoutMs = options.dependencyTimeoutMs ?? 2_000;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance type the plain one.
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    ...requestLoggingOptions,
    bodyLimit: http.bodyLimitBytes,
    routerOptions: { maxParamLength },
    // The built-in 503 while closing is not an envelope; the error-handler plugin answers instead.
    return503OnClosing: false,
    frameworkErrors: handleError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swaggerPlugin);
  await app.register(errorHandlerPlugin);
  await app.register(requestContextPlugin);
  await app.register(rateLimitPlugin, { max: http.rateLimitMax, serviceMax: http.rateLimitServiceMax });
  await app.register(authPlugin, { secret, readsPublic: http.readsPublic });
  await app.register(jsonBodyPlugin);
  await app.register(metricsPlugin, { metrics: deps.metrics });
  await app.register(restoreGuardPlugin, { isRedisRestoring: options.isRedisRestoring });

  const { runner, redis, knex } = deps;
  const ledger = createLedgerRepository({ knex });
  await app.register(healthRoutes, { redis, knex, timeoutMs, isRedisRestoring: options.isRedisRestoring });
  const { kafka, events } = deps.config;
  await app.register(docsRoutes, {
    asyncApi: buildAsyncApiDocument({ topics: kafka.topics, source: events.source }),
  });
  await app.register(inventoryRoutes, { runner, ledger, databaseTimeoutMs: timeoutMs });
  await app.register(adminRoutes, { runner, redis });
  await app.register(reservationRoutes, { runner });
  await app.register(locationRoutes, { runner, redis, locations: createLocationRepository({ knex }) });
  const thresholds = createThresholdRepository({ knex });
  await app.register(thresholdRoutes, { runner, thresholds, databaseTimeoutMs: timeoutMs });
  await app.ready();
  return app;
}
