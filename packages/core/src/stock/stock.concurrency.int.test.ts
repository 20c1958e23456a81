import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReserveOutcome } from './commands/index.js';
import { createStockRunner, type StockRunner } from './stock.runner.js';
import { deleteByPrefix, markRestored, testRedisUrl, uniqueTestPrefix } from './stock.testing.js';

const who = { causationId: 'evt', correlationId: 'corr', actor: 'test' };
const CLIENTS = 50;
let clients: Redis[];
let prefix: string;

beforeAll(async () => {
  clients = Array.from({ length: CLIENTS }, () => new Redis(testRedisUrl()));
  await Promise.all(clients.map((c) => c.ping()));
});
afterEach(async () => {
  await deleteByPrefix(clients[0] as Redis, prefix);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

/** One runner per connection, all on the same prefix: separate clients racing for the same SKU. */
function runners(count: number): StockRunner[] {
  prefix = uniqueTestPrefix();
  const made = clients.slice(0, count).map((redis) =>
    createStockRunner({
      redis,
      keyPrefix: prefix,
      reservationTtlSeconds: 900,
      finishedTtlSeconds: 3600,
      idempotencyTtlSeconds: 3600,
    }),
  );
  // Queued on the first client, ahead of the first runner's awaited init.
  if (made[0]) void markRestored(clients[0] as Redis, made[0]);
  return made;
}

function tally(outcomes: ReserveOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : o.reason;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('reserveStock under concurrency', () => {
  it('when 200 single-unit orders race for 100 units, exactly 100 win and 100 fail', async () => {
    // Arrange: 8 connections
    const rs = runners(8);
    const first = rs[0] as StockRunner;
    await first.init({ ...who, skuId: 'HOT', initialQuantity: 100 });
    // Act: 200 separate calls in flight at once
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (rs[i % rs.length] as StockRunner).reserve({
          ...who,
          orderId: String(i + 1),
          orderIdType: 'number',
          items: [{ skuId: 'HOT', quantity: 1 }],
        }),
      ),
    );
    // Assert
    expect(tally(outcomes)).toEqual({ ok: 100, INSUFFICIENT_STOCK: 100 });
    expect(await first.get('HOT')).toMatchObject({ total: 100, reserved: 100, available: 0, version: 101 });
    expect(await clients[0]?.zcard(first.keys.deadlines)).toBe(100);
    expect(await clients[0]?.xlen(first.keys.journal)).toBe(1 + 200);
  });

  it('when 50 clients send 20,000 orders for one SKU with 1,000 units, exactly 1,000 are reserved', async () => {
    // Arrange: 50 connections, each a client sending its share one order at a time
    const rs = runners(CLIENTS);
    const first = rs[0] as StockRunner;
    await first.init({ ...who, skuId: 'FLASH', initialQuantity: 1000 });
    const perClient = 20_000 / CLIENTS;
    // Act
    const perClientOutcomes = await Promise.all(
      rs.map(async (runner, c) => {
        const outcomes: ReserveOutcome[] = [];
        for (let i = 0; i < perClient; i += 1) {
          const orderId = String(c * perClient + i + 1);
          outcomes.push(
            await runner.reserve({
              ...who,
              orderId,
              orderIdType: 'number',
              items: [{ skuId: 'FLASH', quantity: 1 }],
            }),
          );
        }
        return outcomes;
      }),
    );
    // Assert
    expect(tally(perClientOutcomes.flat())).toEqual({ ok: 1000, INSUFFICIENT_STOCK: 19_000 });
    expect(await first.get('FLASH')).toMatchObject({ total: 1000, reserved: 1000, available: 0 });
    expect(await clients[0]?.zcard(first.keys.deadlines)).toBe(1000);
  });
});
