import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../../packages/core/src/redis/redis.groups.js';
import { testClusterNodes } from '../../packages/core/src/stock/stock.testing.js';

/** Where the sharded benchmarks run: one Redis, and the local 3-master cluster (scripts/redis-cluster.sh). */
export interface RedisTarget {
  name: string;
  /** A new client of the target (each caller closes its own). */
  connect(): RedisClient;
  /** One connection per Redis server of the target, to read its CPU. */
  servers: Redis[];
}

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379/0';

export function redisTargets(): RedisTarget[] {
  return [
    { name: 'one Redis', connect: () => new Redis(redisUrl), servers: [new Redis(redisUrl)] },
    {
      name: '3-master cluster',
      connect: () => new Cluster(testClusterNodes()),
      servers: testClusterNodes().map(({ host, port }) => new Redis({ host, port })),
    },
  ];
}

/** CPU seconds (user + system) the servers have used so far, from INFO cpu. */
export async function redisCpuSeconds(servers: Redis[]): Promise<number> {
  let total = 0;
  for (const server of servers) {
    const info = await server.info('cpu');
    const field = (name: string) => Number(info.match(new RegExp(`^${name}:([0-9.]+)`, 'm'))?.[1] ?? 0);
    total += field('used_cpu_sys') + field('used_cpu_user');
  }
  return total;
}
