import {
  checkRedisForStock,
  createConfiguredStockRunner,
  observeScriptsWith,
  probe,
  runService,
  startOpsServer,
} from '@inventory/core';
import { startActiveRelay } from './relay.js';
import { createRelayLocks } from './relay.lock.js';
import { createRelayMetrics } from './relay.metrics.js';
import { startStandbyLoop } from './standby.js';

await runService('relay', async (deps) => {
  await checkRedisForStock(deps.redis, deps.logger);
  const metrics = createRelayMetrics({
    redis: deps.redis,
    knex: deps.knex,
    journalKeys: () => Array.from({ length: runner.layout.count }, (_, s) => runner.layout.keys(s).journal),
  });
  const runner = createConfiguredStockRunner(deps.redis, deps.config, {
    onScripts: observeScriptsWith(metrics.scriptSeconds),
  });
  const { lockName } = deps.config.relay;
  const shardCount = runner.layout.count;
  const stopStandby = startStandbyLoop({
    locks: createRelayLocks(deps.knex, deps.logger),
    logger: deps.logger,
    shardCount,
    // One shard keeps the lock name it always had, so relays of an older version stay exclusive.
    lockName: (shard) => (shardCount === 1 ? lockName : `${lockName}:${shard}`),
    maxShards: deps.config.relay.maxShards,
    start: (shard) => startActiveRelay({ ...deps, runner, metrics, shard }),
    onActive: (shards) => {
      metrics.active.set(shards > 0 ? 1 : 0);
      metrics.shards.set(shards);
    },
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
