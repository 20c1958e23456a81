import { describe, expect, it } from 'vitest';
import { createStockKeys } from '../stock.keys.js';
import { createShardLayout } from '../stock.shards.js';
import { add } from './add.command.js';
import { bulk } from './bulk.command.js';
import type { PlanContext } from './command.js';
import { decrease } from './decrease.command.js';
import { init } from './init.command.js';
import { interpret } from './outcome.js';
import { release } from './release.command.js';
import { reserve } from './reserve.command.js';
import { set } from './set.command.js';

const context: PlanContext = {
  layout: createShardLayout({ prefix: 'inv:', count: 1 }),
  shard: 0,
  keys: createStockKeys('inv:'),
  settings: { reservationTtlSeconds: 900, finishedTtlSeconds: 604_800, idempotencyTtlSeconds: 86_400 },
  now: 1_769_335_200_123,
  newId: () => 'new-id',
};
const who = { causationId: 'evt-1', correlationId: '1001', actor: 'kafka:order.placed' };

describe('reserve', () => {
  it('when an order has a SKU twice, sends one merged item', () => {
    // Act
    const plan = reserve.plan(
      context,
      {
        ...who,
        orderId: '12345678901234567891',
        orderIdType: 'number',
        items: [
          { skuId: 'A', quantity: 2 },
          { skuId: 'B', quantity: 1 },
          { skuId: 'A', quantity: 3 },
        ],
      },
      [],
    );
    // Assert
    if ('errors' in plan || 'crossShard' in plan) throw new Error('not one script call');
    expect(plan.keys).toEqual([
      'inv:reservation:12345678901234567891',
      'inv:deadlines',
      'inv:journal',
      'inv:locations',
      'inv:{A}:stock',
      'inv:{B}:stock',
      'inv:restored',
    ]);
    expect(plan.args).toEqual([
      context.now,
      context.now + 900_000,
      604_800,
      'new-id',
      'evt-1',
      '1001',
      'kafka:order.placed',
      '12345678901234567891',
      'number',
      '',
      'A',
      5,
      '',
      'B',
      1,
      '',
    ]);
  });

  it('when a quantity is out of range or there are 101 SKUs, rejects with INVALID_ORDER before Redis', () => {
    const zero = reserve.plan(
      context,
      {
        ...who,
        orderId: '1',
        orderIdType: 'number',
        items: [{ skuId: 'A', quantity: 0 }],
      },
      [],
    );
    const many = reserve.plan(
      context,
      {
        ...who,
        orderId: '1',
        orderIdType: 'number',
        items: Array.from({ length: 101 }, (_, i) => ({ skuId: `S${i}`, quantity: 1 })),
      },
      [],
    );
    expect(zero).toMatchObject({ ok: false, reason: 'INVALID_ORDER', entry: null, journaled: false });
    expect(many).toMatchObject({ ok: false, reason: 'INVALID_ORDER' });
  });
});

describe('set, add and decrease', () => {
  it('when no idempotency key is given, keys the call by its eventId', () => {
    const plan = add.plan(context, { ...who, skuId: 'A', quantity: 5 }, []);
    expect('errors' in plan).toBe(false);
    if ('errors' in plan) return;
    expect(plan.keys).toEqual([
      'inv:{A}:stock',
      'inv:idem:event:new-id',
      'inv:journal',
      'inv:locations',
      'inv:restored',
    ]);
    expect(plan.args).toHaveLength(11);
    expect(plan.args.at(-1)).toBe(''); // no location: `default`
  });

  it('when set has an expected version, passes it after the idempotency key, then the location settings', () => {
    const plan = set.plan(
      context,
      {
        ...who,
        skuId: 'A',
        total: 7,
        expectedVersion: 0,
        idempotencyKey: 'k',
      },
      [],
    );
    if ('errors' in plan) throw new Error('rejected');
    expect(plan.keys[1]).toBe('inv:idem:k');
    expect(plan.args.slice(-6)).toEqual(['', 'k', 0, '', '', '']); // reason, key, version, location, settings
  });

  it('when the quantity or skuId is bad, rejects with INVALID_QUANTITY or INVALID_SKU_ID', () => {
    expect(decrease.plan(context, { ...who, skuId: 'A', quantity: 0 }, [])).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
    expect(set.plan(context, { ...who, skuId: 'A', total: -1 }, [])).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
    expect(add.plan(context, { ...who, skuId: 'A\u0007', quantity: 1 }, [])).toMatchObject({
      reason: 'INVALID_SKU_ID',
    });
    expect(init.plan(context, { ...who, skuId: 'A', initialQuantity: 1e12 + 1 }, [])).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
  });
});

describe('bulk', () => {
  const items = [
    { skuId: 'A', total: 5 },
    { skuId: 'B', delta: -2 },
  ];

  it('passes the idempotency key, the journal, then one SKU key per item', () => {
    const plan = bulk.plan(context, { ...who, items, idempotencyKey: 'k', reason: 'count' }, []);
    if ('errors' in plan) throw new Error('rejected');
    expect(plan.keys).toEqual([
      'inv:idem:k',
      'inv:journal',
      'inv:{A}:stock',
      'inv:{B}:stock',
      'inv:restored',
    ]);
    expect(plan.args.slice(6, 9)).toEqual(['count', 'k', plan.digest]);
    expect(plan.args.slice(9)).toEqual(['A', 't', 5, 'B', 'd', -2]);
  });

  it('gives the same items the same digest and other items another', () => {
    const digest = (list: typeof items) => {
      const plan = bulk.plan(context, { ...who, items: list }, []);
      return 'errors' in plan ? null : plan.digest;
    };
    expect(digest(items)).toBe(digest([...items]));
    expect(digest(items)).not.toBe(
      digest([
        { skuId: 'A', total: 5 },
        { skuId: 'B', delta: -3 },
      ]),
    );
    expect(digest(items)).not.toBe(
      digest([
        { skuId: 'A', delta: 5 },
        { skuId: 'B', delta: -2 },
      ]),
    );
  });

  it('when a replayed entry was stored for other items, interprets it as IDEMPOTENCY_KEY_REUSED', () => {
    const plan = bulk.plan(context, { ...who, items }, []);
    if ('errors' in plan) throw new Error('rejected');
    const stored = { v: 1, action: 'bulk', code: 1, at: 1, eventId: 'e', causationId: 'c' };
    const entry = (digest: string) => JSON.stringify({ ...stored, correlationId: 'c', actor: 'a', digest });
    expect(interpret(plan, [0, entry('other')])).toMatchObject({
      ok: false,
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(interpret(plan, [0, entry(plan.digest as string)])).toMatchObject({ ok: true, replayed: true });
  });

  it('when items are missing, too many or repeat a SKU, rejects with INVALID_BULK', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ skuId: `S${i}`, total: 1 }));
    for (const list of [[], many, [...items, { skuId: 'A', delta: 1 }]]) {
      expect(bulk.plan(context, { ...who, items: list }, [])).toMatchObject({
        ok: false,
        reason: 'INVALID_BULK',
      });
    }
  });
});

describe('release', () => {
  it('when the record holds two SKUs, passes their keys and their ids for the script to check', () => {
    const input = { ...who, orderId: '7', orderIdType: 'string' as const, reason: 'MANUAL' as const };
    const plan = release.plan(context, input, ['A', 'B']);
    if ('errors' in plan) throw new Error('rejected');
    expect(plan.keys.slice(3)).toEqual(['inv:{A}:stock', 'inv:{B}:stock', 'inv:restored']);
    expect(plan.args.slice(6)).toEqual(['7', 'string', 'MANUAL', 'A', 'B']);
  });

  it('when the orderId is invalid, reads no record and rejects with INVALID_ORDER', () => {
    const input = { ...who, orderId: '', orderIdType: 'string' as const, reason: 'MANUAL' as const };
    expect(release.reservationOf?.(input)).toBeUndefined();
    expect(release.plan(context, input, [])).toMatchObject({ ok: false, reason: 'INVALID_ORDER' });
  });
});

describe('createStockKeys', () => {
  it('when the prefix has a brace, refuses it (it would become every key’s hash tag)', () => {
    expect(() => createStockKeys('inv{x}:')).toThrow(/must not contain/);
  });
});
