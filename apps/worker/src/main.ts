import { checkRedisForStock, createConfiguredStockRunner, runService } from '@inventory/core';
import { createWorker } from './worker.js';

await runService('worker', async ({ config, logger, redis, bus }) => {
  await checkRedisForStock(redis, logger);
  const worker = createWorker({
    config,
    logger,
    bus,
    redis,
    runner: createConfiguredStockRunner(redis, config),
  });
  await worker.start();
  return () => worker.stop();
});
