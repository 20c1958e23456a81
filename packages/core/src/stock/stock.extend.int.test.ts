import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { readJournal } from './stock.journal.js';
import { shardedTargets, skusOnTwoShards, useShardedStock } from './stock.sharded.testing.js';
import { testRedisUrl } from './stock.testing.js';

/** extend: POST /reservations/{orderId}/extend (docs/locations.md, "Extend"). */

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const targets = [
  { target: 'one Redis, 1 shard', shards: 1, connect: () => new Redis(testRedisUrl()) },
  ...shardedTargets.filter((t) => t.shards === 16),
];

describe.each(targets)('extend, on $target', (target) => {
  const s = useShardedStock(target);

  /** An order of two SKUs: on two shards when there are several, so a coordinator's order there. */
  async function placeOrder(orderId: string): Promise<void> {
    const { runner } = s.t;
    const { a, b } =
      runner.layout.count > 1 ? skusOnTwoShards(runner.layout, 'ext') : { a: 'ext-A', b: 'ext-B' };
    await runner.init({ ...who, skuId: a, initialQuantity: 5 });
    await runner.init({ ...who, skuId: b, initialQuantity: 5 });
    const placed = await runner.reserve({
      ...who,
      orderId,
      orderIdType: 'string',
      items: [
        { skuId: a, quantity: 1 },
        { skuId: b, quantity: 1 },
      ],
      ttlSeconds: 60,
    });
    expect(placed).toMatchObject({ ok: true });
  }

  it('moves the deadline, so the sweep leaves the order alone until the new one has passed', async () => {
    // Arrange
    const { runner, clock } = s.t;
    await placeOrder('e1');
    // Act
    clock.now += 50_000;
    const extended = await runner.extend({ ...who, orderId: 'e1', orderIdType: 'string', ttlSeconds: 600 });
    clock.now += 20_000; // past the first deadline
    const early = await runner.expireDue(10);
    clock.now += 600_000; // past the new one
    const late = await runner.expireDue(10);
    // Assert
    expect(extended).toMatchObject({ ok: true, journaled: true });
    expect(extended.entry?.expiresAt).toBe(clock.now - 620_000 + 600_000);
    expect(early.expired).toBe(0);
    expect((await runner.getReservation('e1'))?.status).toBe('EXPIRED');
    expect(late.expired).toBe(1);
  });

  it('refuses an order that is not RESERVED or is past its deadline, and journals nothing then', async () => {
    const { runner, clock } = s.t;
    await placeOrder('e2');
    const unknown = await runner.extend({ ...who, orderId: 'nope', orderIdType: 'string', ttlSeconds: 60 });
    clock.now += 61_000;
    const late = await runner.extend({ ...who, orderId: 'e2', orderIdType: 'string', ttlSeconds: 60 });
    const shard = runner.layout.homeShardOf('e2');
    const extends_ = (await readJournal(s.redis, runner.layout.keys(shard).journal)).filter(
      (r) => r.entry.action === 'extend',
    );
    expect(unknown).toMatchObject({ ok: false, reason: 'RESERVATION_NOT_FOUND', journaled: false });
    expect(late).toMatchObject({ ok: false, reason: 'RESERVATION_EXPIRED', journaled: false });
    expect(extends_).toEqual([]);
    const bad = await runner.extend({ ...who, orderId: 'e2', orderIdType: 'string', ttlSeconds: 0 });
    expect(bad).toMatchObject({ ok: false, reason: 'INVALID_ORDER' });
  });
});
