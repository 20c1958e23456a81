import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../redis/redis.groups.js';
import { shardedTargets } from '../stock.sharded.testing.js';
import { createTestStock } from '../stock.testing.js';

/**
 * Property: whatever mix of single- and cross-shard orders, confirms, cancels and expiries runs,
 * every SKU keeps 0 ≤ reserved ≤ total, reserved is exactly what RESERVED orders hold, and total
 * is the initial stock less what confirmed orders took (docs/sharding.md, "Invariants").
 */

const SKUS = ['P-0', 'P-1', 'P-2', 'P-3', 'P-4', 'P-5'];
const INITIAL = 6;
const who = { causationId: 'evt', correlationId: 'corr', actor: 'test' };

type Step =
  | { kind: 'reserve'; order: number; items: [number, number][] }
  | { kind: 'confirm' | 'release'; order: number }
  | { kind: 'tick'; seconds: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('reserve' as const),
    order: fc.nat(7),
    items: fc.uniqueArray(fc.tuple(fc.nat(SKUS.length - 1), fc.integer({ min: 1, max: 4 })), {
      minLength: 1,
      maxLength: 3,
      selector: ([sku]) => sku,
    }),
  }),
  fc.record({ kind: fc.constantFrom('confirm' as const, 'release' as const), order: fc.nat(7) }),
  fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 90 }) }),
);

/** fast-check runs per store: the cluster's round trips are slower. */
const runsOn = (shards: number) => (shards === 4 ? 150 : 40);

describe.each(shardedTargets)(
  'stock invariants with cross-shard orders on $target',
  ({ shards, connect }) => {
    const runs = runsOn(shards);
    let redis: RedisClient;
    beforeAll(() => {
      redis = connect();
    });
    afterAll(async () => {
      await redis.quit();
    });

    it('keep no oversell and conservation after every step', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 15 }), async (steps) => {
          const t = createTestStock(redis, { shards });
          await t.ready;
          const placed = new Map<string, { skuId: string; quantity: number }[]>();
          try {
            for (const skuId of SKUS) await t.runner.init({ ...who, skuId, initialQuantity: INITIAL });
            for (const step of steps) {
              const orderId = 'order' in step ? `o-${step.order}` : '';
              if (step.kind === 'tick') {
                t.clock.now += step.seconds * 1000;
                await t.runner.expireDue(100);
              } else if (step.kind === 'reserve') {
                const items = step.items.map(([sku, quantity]) => ({ skuId: SKUS[sku] as string, quantity }));
                const outcome = await t.runner.reserve({
                  ...who,
                  orderId,
                  orderIdType: 'string',
                  items,
                  ttlSeconds: 60,
                });
                if (outcome.ok && !outcome.replayed) placed.set(orderId, items);
              } else if (step.kind === 'confirm') {
                await t.runner.confirm({ ...who, orderId, orderIdType: 'string' });
              } else {
                await t.runner.release({ ...who, orderId, orderIdType: 'string', reason: 'CANCELLED' });
              }
              await expectInvariants(t.runner, placed);
            }
          } finally {
            await t.cleanup();
          }
        }),
        { numRuns: runs },
      );
    });
  },
);

async function expectInvariants(
  runner: ReturnType<typeof createTestStock>['runner'],
  placed: Map<string, { skuId: string; quantity: number }[]>,
): Promise<void> {
  const reserved = new Map<string, number>();
  const confirmed = new Map<string, number>();
  for (const [orderId, items] of placed) {
    const status = (await runner.getReservation(orderId))?.status;
    for (const { skuId, quantity } of items) {
      if (status === 'RESERVED') reserved.set(skuId, (reserved.get(skuId) ?? 0) + quantity);
      if (status === 'CONFIRMED') confirmed.set(skuId, (confirmed.get(skuId) ?? 0) + quantity);
    }
  }
  for (const state of await runner.getMany(SKUS)) {
    const skuId = state?.skuId ?? '';
    expect(state?.reserved, skuId).toBe(reserved.get(skuId) ?? 0);
    expect(state?.total, skuId).toBe(INITIAL - (confirmed.get(skuId) ?? 0));
    expect(state?.available, skuId).toBeGreaterThanOrEqual(0);
  }
}
