import { describe, expect, it } from 'vitest';
import { type PlanContext, planAdmin, planInit, planOrder, planReserve } from './stock.commands.js';
import { callArgs } from './stock.execute.js';
import { createStockKeys } from './stock.keys.js';

const context: PlanContext = {
  keys: createStockKeys('inv:'),
  settings: { reservationTtlSeconds: 900, finishedTtlSeconds: 604_800, idempotencyTtlSeconds: 86_400 },
  now: 1_769_335_200_123,
  newId: () => 'new-id',
};
const who = { causationId: 'evt-1', correlationId: '1001', actor: 'kafka:order.placed' };

describe('planReserve', () => {
  it('when an order has a SKU twice, sends one merged item and numkeys first', () => {
    // Act
    const plan = planReserve(context, {
      ...who,
      orderId: '12345678901234567891',
      orderIdType: 'number',
      items: [
        { skuId: 'A', quantity: 2 },
        { skuId: 'B', quantity: 1 },
        { skuId: 'A', quantity: 3 },
      ],
    });
    // Assert
    expect('errors' in plan).toBe(false);
    if ('errors' in plan) return;
    expect(plan.keys).toEqual([
      'inv:reservation:12345678901234567891',
      'inv:deadlines',
      'inv:journal',
      'inv:{A}:stock',
      'inv:{B}:stock',
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
      'A',
      5,
      'B',
      1,
    ]);
    expect(callArgs(plan)[0]).toBe(5);
  });

  it('when a quantity is out of range or there are 101 SKUs, rejects with INVALID_ORDER before Redis', () => {
    const zero = planReserve(context, {
      ...who,
      orderId: '1',
      orderIdType: 'number',
      items: [{ skuId: 'A', quantity: 0 }],
    });
    const many = planReserve(context, {
      ...who,
      orderId: '1',
      orderIdType: 'number',
      items: Array.from({ length: 101 }, (_, i) => ({ skuId: `S${i}`, quantity: 1 })),
    });
    expect(zero).toMatchObject({ ok: false, reason: 'INVALID_ORDER', entry: null, journaled: false });
    expect(many).toMatchObject({ ok: false, reason: 'INVALID_ORDER' });
  });
});

describe('planAdmin', () => {
  it('when no idempotency key is given, keys the call by its eventId', () => {
    const plan = planAdmin(context, 'add', { ...who, skuId: 'A', quantity: 5, amount: 5 });
    expect('errors' in plan).toBe(false);
    if ('errors' in plan) return;
    expect(plan.keys).toEqual(['inv:{A}:stock', 'inv:idem:event:new-id', 'inv:journal']);
    expect(callArgs(plan)).toHaveLength(3 + 10); // fixed numkeys: not sent by us
  });

  it('when set has an expected version, passes it last', () => {
    const plan = planAdmin(context, 'set', {
      ...who,
      skuId: 'A',
      total: 7,
      amount: 7,
      expectedVersion: 0,
      idempotencyKey: 'k',
    });
    if ('errors' in plan) throw new Error('rejected');
    expect(plan.keys[1]).toBe('inv:idem:k');
    expect(plan.args.at(-1)).toBe(0);
    expect(plan.args.at(-2)).toBe('k');
  });

  it('when the quantity or skuId is bad, rejects with INVALID_QUANTITY or INVALID_SKU_ID', () => {
    expect(planAdmin(context, 'decrease', { ...who, skuId: 'A', quantity: 0, amount: 0 })).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
    expect(planAdmin(context, 'set', { ...who, skuId: 'A', total: -1, amount: -1 })).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
    expect(planAdmin(context, 'add', { ...who, skuId: 'A\u0007', quantity: 1, amount: 1 })).toMatchObject({
      reason: 'INVALID_SKU_ID',
    });
    expect(planInit(context, { ...who, skuId: 'A', initialQuantity: 1e12 + 1 })).toMatchObject({
      reason: 'INVALID_QUANTITY',
    });
  });
});

describe('planOrder', () => {
  it('when the record holds two SKUs, passes their keys and their ids for the script to check', () => {
    const plan = planOrder(
      context,
      'release',
      { ...who, orderId: '7', orderIdType: 'string', reason: 'MANUAL' },
      ['A', 'B'],
    );
    expect(plan.keys.slice(3)).toEqual(['inv:{A}:stock', 'inv:{B}:stock']);
    expect(plan.args.slice(6)).toEqual(['7', 'string', 'MANUAL', 'A', 'B']);
  });
});

describe('createStockKeys', () => {
  it('when the prefix has a brace, refuses it (it would become every key’s hash tag)', () => {
    expect(() => createStockKeys('inv{x}:')).toThrow(/must not contain/);
  });
});
