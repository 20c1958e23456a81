import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createStockRunner, type StockRunner, type StockRunnerOptions } from './stock.runner.js';

/**
 * Helpers for tests and benchmarks that share one Redis (same conventions as
 * test/support/services.ts, which sits outside this package's rootDir and cannot be imported here).
 */

export const testRedisUrl = (): string => process.env.REDIS_URL || 'redis://127.0.0.1:6379/0';

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

/** Deletes every key under a prefix (SCAN + UNLINK). Never use it on a production prefix. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  await scanPrefix(redis, prefix, async (keys) => {
    deleted += await redis.unlink(...keys);
  });
  return deleted;
}

/**
 * Every key under a prefix gone in one UNLINK, as a FLUSHALL would take them: a relay watching
 * for the restored-data marker cannot restore halfway through and have its work deleted by the
 * rest of a SCAN. For small test prefixes only (one command).
 */
export async function vanishPrefix(redis: Redis, prefix: string): Promise<number> {
  const all: string[] = [];
  await scanPrefix(redis, prefix, async (keys) => {
    all.push(...keys);
  });
  return all.length > 0 ? redis.unlink(...all) : 0;
}

/** 2026-01-25T10:00:00.123Z: tests run on a fake clock. */
export const T0 = 1_769_335_200_123;

export interface TestStock {
  runner: StockRunner;
  prefix: string;
  /** Move it to move the runner's clock. */
  clock: { now: number };
  journalLength(): Promise<number>;
  cleanup(): Promise<number>;
}

/**
 * Sets the restored-data marker, as the relay does once Redis holds restored data: every write
 * script refuses to run without it (error RESTORING).
 */
export function markRestored(redis: Redis, runner: Pick<StockRunner, 'keys'>): Promise<unknown> {
  return redis.set(runner.keys.restored, 'test');
}

/**
 * A runner on its own prefix and fake clock, on a store marked restored (the SET is queued on this
 * connection before any command a test sends through it); `cleanup` deletes its keys.
 */
export function createTestStock(redis: Redis, overrides: Partial<StockRunnerOptions> = {}): TestStock {
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
  void markRestored(redis, runner);
  return {
    runner,
    prefix,
    clock,
    journalLength: () => redis.xlen(runner.keys.journal),
    cleanup: () => deleteByPrefix(redis, prefix),
  };
}
