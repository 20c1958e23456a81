import { randomUUID } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { isCluster, type RedisClient, scanNodes } from '../redis/redis.groups.js';
import { escapeGlob } from './stock.keys.js';
import { createStockRunner, type StockRunner, type StockRunnerOptions } from './stock.runner.js';

/**
 * Helpers for tests and benchmarks that share one Redis (same conventions as
 * test/support/services.ts, which sits outside this package's rootDir and cannot be imported here).
 */

export const testRedisUrl = (): string => process.env.REDIS_URL || 'redis://127.0.0.1:6379/0';

/** The local Redis Cluster (scripts/redis-cluster.sh), or REDIS_CLUSTER_NODES. */
export const testClusterNodes = (): { host: string; port: number }[] =>
  (process.env.REDIS_CLUSTER_NODES || '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003')
    .split(',')
    .map((node) => {
      const [host = '127.0.0.1', port = '7001'] = node.split(':');
      return { host, port: Number(port) };
    });

export function createTestCluster(): Cluster {
  return new Cluster(testClusterNodes(), { redisOptions: { maxRetriesPerRequest: 2 } });
}

/** A key prefix no other test uses. */
export const uniqueTestPrefix = (): string => `test-${randomUUID()}:`;

/** Walks every key under a test prefix, a SCAN batch at a time. */
async function scanPrefix(
  redis: Redis,
  prefix: string,
  batch: (keys: string[]) => Promise<void>,
): Promise<void> {
  if (prefix.length < 8) throw new Error(`refusing to delete a short prefix: ${JSON.stringify(prefix)}`);
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await batch(keys);
  } while (cursor !== '0');
}

/**
 * Deletes every key under a prefix (SCAN + UNLINK), on every master of a Redis Cluster. Never use
 * it on a production prefix.
 */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<number> {
  if (!isCluster(redis)) return deleteOnNode(redis, prefix, false);
  const counts = await Promise.all(redis.nodes('master').map((node) => deleteOnNode(node, prefix, true)));
  return counts.reduce((sum, n) => sum + n, 0);
}

async function deleteOnNode(node: Redis, prefix: string, clusterNode: boolean): Promise<number> {
  let deleted = 0;
  await scanPrefix(node, prefix, async (keys) => {
    if (!clusterNode) {
      deleted += await node.unlink(...keys);
      return;
    }
    // A cluster node refuses one UNLINK of keys in several slots: one key per command.
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    for (const [, n] of (await pipeline.exec()) ?? []) deleted += Number(n ?? 0);
  });
  return deleted;
}

/**
 * Every key under a prefix gone in one UNLINK, as a FLUSHALL would take them: a relay watching
 * for the restored-data marker cannot restore halfway through and have its work deleted by the
 * rest of a SCAN. For small test prefixes only (one command); on a Redis Cluster, the prefix of
 * one shard (`keys.prefix`: one slot), as a shard master that lost its data.
 */
export async function vanishPrefix(redis: RedisClient, prefix: string): Promise<number> {
  if (prefix.length < 8) throw new Error(`refusing to delete a short prefix: ${JSON.stringify(prefix)}`);
  const all: string[] = [];
  for await (const keys of scanNodes(redis, `${escapeGlob(prefix)}*`, 1000)) all.push(...keys);
  return all.length > 0 ? redis.unlink(...all) : 0;
}

/** 2026-01-25T10:00:00.123Z: tests run on a fake clock. */
export const T0 = 1_769_335_200_123;

export interface TestStock {
  runner: StockRunner;
  prefix: string;
  /** Move it to move the runner's clock. */
  clock: { now: number };
  /**
   * Resolves once every shard is marked restored. On a single Redis the marker's SET is queued on
   * the connection before any command sent through it; on a Redis Cluster, await this first.
   */
  ready: Promise<void>;
  journalLength(): Promise<number>;
  cleanup(): Promise<number>;
}

/**
 * Sets the restored-data marker, as the relay does once Redis holds restored data: every write
 * script refuses to run without it (error RESTORING).
 */
export function markRestored(redis: RedisClient, runner: Pick<StockRunner, 'layout'>): Promise<unknown> {
  const { layout } = runner;
  return Promise.all(
    Array.from({ length: layout.count }, (_, s) => redis.set(layout.keys(s).restored, 'test')),
  );
}

/**
 * A runner on its own prefix and fake clock, on a store marked restored (the SET is queued on this
 * connection before any command a test sends through it); `cleanup` deletes its keys.
 */
export function createTestStock(redis: RedisClient, overrides: Partial<StockRunnerOptions> = {}): TestStock {
  const prefix = uniqueTestPrefix();
  const clock = { now: T0 };
  const runner = createStockRunner({
    redis,
    keyPrefix: prefix,
    reservationTtlSeconds: 900,
    finishedTtlSeconds: 7 * 24 * 3600,
    idempotencyTtlSeconds: 24 * 3600,
    clock: () => clock.now,
    ...overrides,
  });
  const marked = markRestored(redis, runner);
  return {
    ready: marked.then(() => undefined),
    runner,
    prefix,
    clock,
    journalLength: async () => {
      const { layout } = runner;
      const lengths = await Promise.all(
        Array.from({ length: layout.count }, (_, s) => redis.xlen(layout.keys(s).journal)),
      );
      return lengths.reduce((sum, n) => sum + n, 0);
    },
    cleanup: () => deleteByPrefix(redis, prefix),
  };
}
