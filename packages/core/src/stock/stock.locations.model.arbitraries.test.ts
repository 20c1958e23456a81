import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelItem } from './stock.locations.model.js';

/**
 * Command arbitraries of the location model test (stock.locations.model.int.test.ts): short
 * sequences over 2 SKUs, 4 locations (`x` starts inactive) and 4 orders, weighted so that splits,
 * backorders, partial holds, transfers, expiries and registry changes all happen.
 */
export const SKUS = ['A', 'B'];
export const LOCS = ['default', 'n', 's', 'x'];
export const PRIORITY: Record<string, number> = { default: 0, n: 1, s: 2, x: 1 };
export const ORDERS = ['1', '2', '3', '4'];
export const TTL_MS = 60_000;

export type Cmd =
  | { kind: 'set'; sku: string; at: string; total?: number; ss?: number; bo?: number }
  | { kind: 'add' | 'decrease'; sku: string; at: string; qty: number }
  | { kind: 'transfer'; sku: string; from: string; to: string; qty: number }
  | { kind: 'reserve'; order: string; items: ModelItem[]; split: boolean; partial: boolean }
  | { kind: 'confirm' | 'release'; order: string | { placed: number } }
  | { kind: 'expire'; advanceMs: number }
  | { kind: 'registry'; loc: string; active: boolean };

const sku = fc.constantFrom(...SKUS);
const loc = fc.constantFrom(...LOCS);
const order = fc.constantFrom(...ORDERS);
const qty = fc.integer({ min: 1, max: 4 });
const item = fc.record(
  { sku, qty: fc.integer({ min: 1, max: 6 }), at: fc.option(loc, { nil: undefined, freq: 3 }) },
  { requiredKeys: ['sku', 'qty'] },
);
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant('set' as const),
        sku,
        at: loc,
        total: fc.integer({ min: 0, max: 8 }),
        ss: fc.integer({ min: 0, max: 2 }),
        bo: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: ['kind', 'sku', 'at'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('add' as const, 'decrease' as const), sku, at: loc, qty }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ kind: fc.constant('transfer' as const), sku, from: loc, to: loc, qty })
      .filter((c) => c.from !== c.to),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      order,
      items: fc.uniqueArray(item, { minLength: 1, maxLength: 2, selector: (i) => i.sku }),
      split: fc.constantFrom(true, true, true, false),
      partial: fc.constantFrom(false, false, false, true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'release' as const), order }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('expire' as const), advanceMs: fc.constantFrom(0, TTL_MS + 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('registry' as const),
      loc: fc.constantFrom('n', 's', 'x'),
      active: fc.boolean(),
    }),
  },
);

/** Each run starts with stock at some locations of each SKU, settings included. */
export const setupArb: fc.Arbitrary<Cmd[]> = fc.array(
  fc.record({
    kind: fc.constant('set' as const),
    sku,
    at: fc.constantFrom('default', 'n', 's'),
    total: fc.integer({ min: 0, max: 6 }),
    ss: fc.constantFrom(0, 0, 1),
    bo: fc.constantFrom(0, 0, 2),
  }),
  { minLength: 2, maxLength: 5 },
);

describe('location model arbitraries', () => {
  it('when sampled, cover every command and stay within the SKUs, locations and orders', () => {
    const samples = fc.sample(fc.tuple(setupArb, cmdArb), { numRuns: 2000, seed: 7 });
    const kinds = new Set(samples.map(([, c]) => c.kind));
    expect([...kinds].sort()).toEqual(
      ['add', 'confirm', 'decrease', 'expire', 'registry', 'release', 'reserve', 'set', 'transfer'].sort(),
    );
    for (const [setup, cmd] of samples) {
      expect(setup.every((c) => c.kind === 'set' && SKUS.includes(c.sku))).toBe(true);
      if ('at' in cmd) expect(LOCS).toContain(cmd.at);
      if (cmd.kind === 'reserve') expect(new Set(cmd.items.map((i) => i.sku)).size).toBe(cmd.items.length);
    }
  });
});
