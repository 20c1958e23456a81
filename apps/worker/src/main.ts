import {
  checkRedisForStock,
  createConfiguredStockRunner,
  isRestored,
  observeScriptsWith,
  probe,
  runService,
  startOpsServer,
} from '@inventory/core';
import { consumerGroupsOf, createWorker } from './worker.js';
import { createWorkerMetrics } from './worker.metrics.js';

await runService('worker', async ({ config, logger, redis, bus }) => {
  await checkRedisForStock(redis, logger);
  const groups = consumerGroupsOf(config);
  const metrics = createWorkerMetrics({ consumerLag: () => bus.consumerLag(groups) });
  const runner = createConfiguredStockRunner(redis, config, {
    onScripts: observeScriptsWith(metrics.scriptSeconds),
  });
  const worker = createWorker({ config, logger, bus, redis, runner, metrics });
  await worker.start();
  const ops = await startOpsServer({
    port: config.ops.workerPort,
    registry: metrics.registry,
    logger,
    ready: async () => ({
      consuming: worker.status === 'running',
      redis: await probe(() => redis.ping()),
      restored: await probe(async () => {
        if (!(await isRestored(redis, runner.layout))) throw new Error('restoring');
      }),
      kafka: await probe(() => bus.ping(), 2_000),
    }),
  });
  return async () => {
    await worker.stop();
    await ops?.close();
  };
});
