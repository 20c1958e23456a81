import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { RedisClient } from '../redis/redis.groups.js';
import { createTestCluster, createTestStock, type TestStock, testRedisUrl } from './stock.testing.js';

/** The stores the sharded tests run on (the test command starts the local cluster). */
export const shardedTargets = [
  { target: 'one Redis, 4 shards', shards: 4, connect: (): RedisClient => new Redis(testRedisUrl()) },
  {
    target: 'a 3-master Redis Cluster, 16 shards',
    shards: 16,
    connect: (): RedisClient => createTestCluster(),
  },
];

export interface ShardedStock {
  redis: RedisClient;
  t: TestStock;
}

/**
 * Registers the hooks of a sharded test suite: one client for the suite, a fresh stock (own
 * prefix, every shard marked restored) for each test. Read the fields inside tests only.
 */
export function useShardedStock(target: (typeof shardedTargets)[number]): ShardedStock {
  const stock = {} as ShardedStock;
  beforeAll(() => {
    stock.redis = target.connect();
  });
  beforeEach(async () => {
    stock.t = createTestStock(stock.redis, { shards: target.shards });
    await stock.t.ready;
  });
  afterEach(async () => {
    await stock.t.cleanup();
  });
  afterAll(async () => {
    await stock.redis.quit();
  });
  return stock;
}
