import {
  checkRedisForStock,
  createConfiguredStockRunner,
  createStockKeys,
  observeScriptsWith,
  probe,
  runService,
  startOpsServer,
} from '@inventory/core';
import { startActiveRelay } from './relay.js';
import { createRelayLock } from './relay.lock.js';
import { createRelayMetrics } from './relay.metrics.js';
import { startStandbyLoop } from './standby.js';

await runService('relay', async (deps) => {
  await checkRedisForStock(deps.redis, deps.logger);
  const journalKey = createStockKeys(deps.config.stock.keyPrefix).journal;
  const metrics = createRelayMetrics({ redis: deps.redis, knex: deps.knex, journalKey });
  const runner = createConfiguredStockRunner(deps.redis, deps.config, {
    onScripts: observeScriptsWith(metrics.scriptSeconds),
  });
  const lock = createRelayLock(deps.knex, deps.config.relay.lockName, deps.logger);
  const stopStandby = startStandbyLoop({
    lock,
    logger: deps.logger,
    start: () => startActiveRelay({ ...deps, runner, metrics }),
    onActive: (active) => metrics.active.set(active ? 1 : 0),
  });
  // A standby is ready too: it is healthy and waiting; only its dependencies matter.
  const ops = await startOpsServer({
    port: deps.config.ops.relayPort,
    registry: metrics.registry,
    logger: deps.logger,
    ready: async () => ({
      redis: await probe(() => deps.redis.ping()),
      mariadb: await probe(() => deps.knex.raw('SELECT 1')),
      kafka: await probe(() => deps.bus.ping(), 2_000),
    }),
  });
  return async () => {
    await stopStandby();
    await ops?.close();
  };
});
