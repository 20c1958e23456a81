import { afterEach, describe, expect, it } from 'vitest';
import { purgeHttpIdempotency } from '../../packages/core/src/index.js';
import { vanishPrefix } from '../../packages/core/src/stock/stock.testing.js';
import {
  ofType,
  orderEvent,
  type RunningPipeline,
  startPipeline,
  waitForDurableEqualsLive,
  waitUntilRestored,
} from '../support/pipeline.js';

const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

let running: RunningPipeline | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('restore from MariaDB', () => {
  it('when Redis loses every key after the journal was drained, the relay rebuilds stock, reservations and replays', async () => {
    // Arrange: stock, one confirmed order, one open reservation, all drained to MariaDB
    running = await startPipeline();
    const { stack } = running;
    const t = stack.config.kafka.topics;
    await stack.runner.add({ ...ctx, skuId: 'R1', quantity: 10 });
    await stack.runner.add({ ...ctx, skuId: 'R2', quantity: 4 });
    const placed1 = {
      key: 'o',
      value: orderEvent('p-1', 'order.placed', { orderId: 1, items: [{ skuId: 'R1', quantity: 3 }] }),
    };
    const placed2 = {
      key: 'o',
      value: orderEvent('p-2', 'order.placed', {
        orderId: 2,
        items: [
          { skuId: 'R1', quantity: 2 },
          { skuId: 'R2', quantity: 4 },
        ],
      }),
    };
    await stack.send(t.orderPlaced, [placed1, placed2]);
    await stack.waitFor('two reservations', (s) => ofType(s, 'stock.reserved').length === 2);
    await stack.send(t.orderConfirmed, [
      { key: 'o', value: orderEvent('c-1', 'order.confirmed', { orderId: 1 }) },
    ]);
    await stack.waitFor('confirm', (s) => ofType(s, 'stock.confirmed').length === 1);
    await waitForDurableEqualsLive(stack, ['R1', 'R2']);
    const before = await stack.runner.getMany(['R1', 'R2']);
    const openBefore = await stack.runner.getReservation('2');

    // Act: every key of the service disappears (a FLUSHALL as far as this service can tell)
    await vanishPrefix(stack.redis, stack.config.stock.keyPrefix);
    await waitUntilRestored(stack);

    // Assert: the same stock and reservations, open deadlines back, outcomes still replay
    expect(await stack.runner.getMany(['R1', 'R2'])).toEqual(before);
    expect(await stack.runner.getReservation('2')).toEqual(openBefore);
    expect(await stack.redis.zscore(stack.runner.keys.deadlines, '2')).toBe(String(openBefore?.expiresAt));
    await stack.send(t.orderPlaced, [placed1]); // a redelivered placed: replay, no new outcome
    await stack.send(t.orderConfirmed, [
      { key: 'o', value: orderEvent('c-2', 'order.confirmed', { orderId: 2 }) },
    ]);
    await stack.waitFor(
      'confirm of the restored reservation',
      (s) => ofType(s, 'stock.confirmed').length === 2,
    );
    expect(ofType(stack.seen, 'stock.reserved')).toHaveLength(2);
    expect(await stack.runner.get('R1')).toMatchObject({ total: 5, reserved: 0 });
    expect(await stack.runner.get('R2')).toMatchObject({ total: 0, reserved: 0 });
    await waitForDurableEqualsLive(stack, ['R1', 'R2']);
  });

  it('brings back HTTP Idempotency-Keys: a retry of an acknowledged write after a FLUSHALL changes nothing', async () => {
    // Arrange: an admin add made with an Idempotency-Key, drained to MariaDB
    running = await startPipeline();
    const { stack } = running;
    const key = `api:caller:${Date.now()}`;
    const first = await stack.runner.add({ ...ctx, skuId: 'K1', quantity: 7, idempotencyKey: key });
    expect(first).toMatchObject({ ok: true, replayed: false });
    await waitForDurableEqualsLive(stack, ['K1']);

    // Act: every key disappears; the relay restores; the client retries with the same key
    await vanishPrefix(stack.redis, stack.config.stock.keyPrefix);
    await waitUntilRestored(stack);
    const retry = await stack.runner.add({ ...ctx, skuId: 'K1', quantity: 7, idempotencyKey: key });

    // Assert: the first outcome replays, the stock is added once, the key keeps (most of) its TTL
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(await stack.runner.get('K1')).toMatchObject({ total: 7 });
    const ttl = await stack.redis.ttl(stack.runner.keys.idempotency(key));
    expect(ttl).toBeGreaterThan(stack.config.stock.idempotencyTtlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(stack.config.stock.idempotencyTtlSeconds);

    // And the relay's retention purge forgets a key once its TTL is over, as Redis does
    await stack
      .knex('inventory_http_idempotency')
      .where({ idempotency_key: key })
      .update({
        created_at: new Date(Date.now() - (stack.config.stock.idempotencyTtlSeconds + 1) * 1000),
      });
    expect(await purgeHttpIdempotency(stack.knex, stack.config.stock.idempotencyTtlSeconds)).toBe(1);
    expect(await stack.knex('inventory_http_idempotency').where({ idempotency_key: key })).toHaveLength(0);
  });
});
