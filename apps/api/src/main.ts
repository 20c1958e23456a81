import {
  checkRedisForStock,
  createConfiguredStockRunner,
  isRestored,
  loadConfig,
  requireJwtSecret,
  runService,
} from '@inventory/core';
import { createApiMetrics } from './api.metrics.js';
import { buildApp } from './app.js';
import { readLocalSecret } from './token.js';

// Fail before connecting anything when the API cannot authenticate requests.
requireJwtSecret(loadConfig());

await runService(
  'api',
  async ({ config, logger, redis, knex }) => {
    // ioredis reconnects by itself; without a listener each failed attempt is an "unhandled error event".
    redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
    // Refuses a Redis that may evict keys (stock would silently disappear); warns when AOF is off.
    await checkRedisForStock(redis, logger);
    const metrics = createApiMetrics();
    const runner = createConfiguredStockRunner(redis, config, { onScripts: metrics.observeScripts });
    const app = await buildApp(
      { config, redis, knex, runner, logger, metrics },
      // The relay sets the marker once Redis holds restored, current data; until then: not ready.
      { isRedisRestoring: async () => !(await isRestored(redis, runner.layout)) },
    );
    const url = await app.listen({ host: config.http.host, port: config.http.port });
    logger.info({ url }, `api listening on ${url} (Swagger UI: ${url}/docs)`);
    if (config.http.jwtSecret === readLocalSecret()) {
      logger.info(
        'using the local dev secret (.data/jwt-secret): get a token with `TOKEN=$(pnpm --silent token --role ADMIN)`, ' +
          `then: curl -H "Authorization: Bearer $TOKEN" ${url}/api/v1/inventory/<skuId>`,
      );
    }
    return () => app.close();
  },
  // Many small concurrent reads: one Redis write per tick instead of one per request, and log lines
  // written in chunks. The API never talks to Kafka (the relay publishes what it does), so a broker
  // outage must not stop it starting.
  { redisAutoPipelining: true, usesKafka: false, bufferedLogs: true },
);
