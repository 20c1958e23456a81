import { checkRedisForStock, createConfiguredStockRunner, runService } from '@inventory/core';
import { startActiveRelay } from './relay.js';
import { createRelayLock } from './relay.lock.js';
import { startStandbyLoop } from './standby.js';

await runService('relay', async (deps) => {
  await checkRedisForStock(deps.redis, deps.logger);
  const runner = createConfiguredStockRunner(deps.redis, deps.config);
  const lock = createRelayLock(deps.knex, deps.config.relay.lockName, deps.logger);
  return startStandbyLoop({ lock, logger: deps.logger, start: () => startActiveRelay({ ...deps, runner }) });
});
