import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { RedisClient } from '../redis/redis.groups.js';
import type { ShardLayout } from './stock.shards.js';
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

/** Two SKU ids on two different shards of a layout (of two or more shards): `<tag>-A` and the first `<tag>-B<i>` that differs. */
export function skusOnTwoShards(layout: ShardLayout, tag: string): { a: string; b: string } {
  const a = `${tag}-A`;
  for (let i = 0; i < 1_000; i += 1) {
    const b = `${tag}-B${i}`;
    if (layout.shardOfSku(b) !== layout.shardOfSku(a)) return { a, b };
  }
  throw new Error(`no SKU on another shard than ${a}: the layout has one shard`);
}
