import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createStockRunner } from './stock.runner.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const unhandled: unknown[] = [];
const track = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', track);
  unhandled.length = 0;
});

describe('stock batch', () => {
  it('when the whole batch fails (Redis unreachable), exec rejects and the unawaited outcomes end nothing', async () => {
    process.on('unhandledRejection', track);
    // Nothing listens on port 1, and without an offline queue every command fails at once.
    const redis = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    redis.on('error', () => undefined); // the refused connection itself is expected
    const runner = createStockRunner({
      redis,
      keyPrefix: 'test-batch:',
      shards: 4, // the executor reads every shard first: one failure fails the whole batch
      reservationTtlSeconds: 60,
      finishedTtlSeconds: 60,
      idempotencyTtlSeconds: 60,
    });
    const batch = runner.batch();
    const order = { ...who, orderIdType: 'number' as const, items: [{ skuId: 'A', quantity: 1 }] };
    void batch.reserve({ ...order, orderId: '1' }); // a worker that stops at exec's error
    void batch.reserve({ ...order, orderId: '2' });

    await expect(batch.exec()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50)); // unhandled rejections are reported after a turn

    expect(unhandled).toEqual([]);
    redis.disconnect();
  });
});
