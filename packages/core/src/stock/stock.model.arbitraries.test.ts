import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReleaseReason } from './stock.types.js';

/**
 * Command arbitraries of the model-based test (stock.model.int.test.ts): short sequences over
 * 3 SKUs and 5 orders, weighted so that reservations, confirms, expiries and replays all happen.
 */
export const SKUS = ['A', 'B', 'C'];
export const ORDERS = ['1', '2', '3', '4', '5'];

export type Cmd =
  | { kind: 'init'; sku: string; qty: number }
  | { kind: 'set'; sku: string; total: number; expected: 'none' | 'current' | 'wrong'; key: string | null }
  | { kind: 'add' | 'decrease'; sku: string; qty: number; key: string | null }
  | { kind: 'reserve'; order: string; items: [string, number][]; ttl: number | null }
  | { kind: 'confirm'; order: OrderPick }
  | { kind: 'release'; order: OrderPick; reason: ReleaseReason }
  | { kind: 'expire'; advanceMs: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'replay'; index: number };

/** An order id, or the n-th order this run has placed so far (so confirms meet reservations). */
export type OrderPick = string | { placed: number };

const sku = fc.constantFrom(...SKUS);
// Orders 1 and 2 come up most, so confirms and releases often meet a reservation.
const order = fc.constantFrom('1', '1', '1', '2', '2', '3', '4', '5');
const orderPick: fc.Arbitrary<OrderPick> = fc.oneof(
  order,
  fc.nat().map((placed) => ({ placed })),
);
const key = fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: null });
const smallQty = fc.integer({ min: 1, max: 4 });
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('init' as const), sku, qty: fc.integer({ min: 0, max: 10 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      sku,
      total: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(1e12, 1e12 + 1)),
      expected: fc.constantFrom('none' as const, 'current' as const, 'wrong' as const),
      key,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      sku,
      qty: fc.oneof(smallQty, fc.constant(1e9)),
      key,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decrease' as const), sku, qty: smallQty, key }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      order,
      items: fc.array(
        fc.tuple(
          sku,
          fc.oneof(
            { weight: 12, arbitrary: smallQty },
            { weight: 1, arbitrary: fc.constantFrom(0, 1e9 + 1) },
          ),
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      ttl: fc.option(fc.integer({ min: 1, max: 1200 }), { nil: null }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), order: orderPick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      order: orderPick,
      reason: fc.constantFrom<ReleaseReason>('CANCELLED', 'MANUAL'),
    }),
  },
  // Half the sweeps first jump past every deadline, so expiry happens often.
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('expire' as const), advanceMs: fc.constantFrom(0, 1_200_001) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1_200_000 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), index: fc.nat() }) },
);

/** Each run starts by creating most SKUs (an init of its own; unknown SKUs stay possible). */
export const setupArb: fc.Arbitrary<Cmd[]> = fc
  .tuple(
    ...SKUS.map((s) =>
      fc.option(fc.integer({ min: 0, max: 10 }), { nil: null, freq: 6 }).map((qty) => [s, qty] as const),
    ),
  )
  .map((pairs) =>
    pairs.flatMap(([s, qty]) => (qty === null ? [] : [{ kind: 'init' as const, sku: s, qty }])),
  );

describe('model command arbitraries', () => {
  it('when sampled, stay within the 3 SKUs and 5 orders and cover every command', () => {
    const commands = fc.sample(fc.tuple(setupArb, cmdArb), { numRuns: 2000, seed: 42 });
    const kinds = new Set(commands.map(([, c]) => c.kind));
    expect([...kinds].sort()).toEqual(
      ['add', 'confirm', 'decrease', 'expire', 'init', 'release', 'replay', 'reserve', 'set', 'tick'].sort(),
    );
    for (const [setup, cmd] of commands) {
      expect(setup.every((c) => c.kind === 'init' && SKUS.includes(c.sku))).toBe(true);
      if ('sku' in cmd) expect(SKUS).toContain(cmd.sku);
      if (cmd.kind === 'reserve') expect(ORDERS).toContain(cmd.order);
    }
  });
});
