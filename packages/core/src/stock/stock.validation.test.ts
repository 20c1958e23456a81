import { describe, expect, it } from 'vitest';
import { StockInputError } from './stock.errors.js';
import {
  assertContext,
  normalizeItems,
  orderIdErrors,
  quantityError,
  skuIdError,
} from './stock.validation.js';

describe('skuIdError', () => {
  it('when the id is 1..128 characters of any script, accepts it', () => {
    expect(skuIdError('A', 'skuId')).toBeNull();
    expect(skuIdError('ELEC-20260125-AB12-Black-M', 'skuId')).toBeNull();
    expect(skuIdError('셔츠-빨강-M-👕', 'skuId')).toBeNull();
    expect(skuIdError('👕'.repeat(128), 'skuId')).toBeNull(); // 128 code points, 256 UTF-16 units
  });

  it('when the id is empty, too long, not a string or has control characters, rejects it', () => {
    expect(skuIdError('', 'skuId')?.reason).toMatch(/1\.\.128/);
    expect(skuIdError('x'.repeat(129), 'skuId')?.reason).toMatch(/1\.\.128/);
    expect(skuIdError(42, 'skuId')?.reason).toMatch(/string/);
    expect(skuIdError('A\nB', 'skuId')?.reason).toMatch(/control/);
    expect(skuIdError('A\u0000', 'skuId')?.reason).toMatch(/control/);
    expect(skuIdError('A\u0085', 'skuId')?.reason).toMatch(/control/);
    expect(skuIdError('A\ud800', 'skuId')?.reason).toMatch(/control/); // lone surrogate: no UTF-8 form
  });
});

describe('quantityError', () => {
  it('when the quantity is an integer 1..1,000,000,000, accepts it', () => {
    expect(quantityError(1, 'q')).toBeNull();
    expect(quantityError(1_000_000_000, 'q')).toBeNull();
  });

  it('when the quantity is 0, negative, fractional, too large or not a number, rejects it', () => {
    for (const bad of [0, -1, 1.5, 1_000_000_001, Number.NaN, Number.POSITIVE_INFINITY, '3', null]) {
      expect(quantityError(bad, 'q')).not.toBeNull();
    }
  });
});

describe('normalizeItems', () => {
  it('when a SKU appears twice, merges the quantities in first-seen order', () => {
    const result = normalizeItems([
      { skuId: 'A', quantity: 2 },
      { skuId: 'B', quantity: 1 },
      { skuId: 'A', quantity: 3 },
    ]);
    expect(result).toEqual({
      ok: true,
      items: [
        { skuId: 'A', quantity: 5 },
        { skuId: 'B', quantity: 1 },
      ],
    });
  });

  it('when the merged quantity passes the limit, rejects the order', () => {
    const result = normalizeItems([
      { skuId: 'A', quantity: 600_000_000 },
      { skuId: 'A', quantity: 600_000_000 },
    ]);
    expect(result.ok).toBe(false);
  });

  it('when there are 100 distinct SKUs, accepts; 101, rejects', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ skuId: `S${i}`, quantity: 1 }));
    expect(normalizeItems(items(100)).ok).toBe(true);
    const tooMany = normalizeItems(items(101));
    expect(tooMany.ok).toBe(false);
    if (!tooMany.ok) expect(tooMany.errors[0]?.reason).toMatch(/100 distinct/);
  });

  it('when items is empty or not an array, rejects it', () => {
    expect(normalizeItems([]).ok).toBe(false);
    expect(normalizeItems(undefined).ok).toBe(false);
    expect(normalizeItems([null]).ok).toBe(false);
  });
});

describe('orderIdErrors', () => {
  it('when a number id is above 2^53, accepts it as the exact decimal string', () => {
    expect(orderIdErrors('12345678901234567891', 'number')).toEqual([]);
    expect(orderIdErrors('9007199254740993', 'number')).toEqual([]);
    expect(orderIdErrors('-5', 'number')).toEqual([]);
  });

  it('when a number id is not a canonical integer, rejects it', () => {
    for (const bad of ['1.5', '01', '1e3', '', ' 1', '123456789012345678901']) {
      expect(orderIdErrors(bad, 'number')).toHaveLength(1);
    }
  });

  it('when a string id is 1..128 characters without controls, accepts it', () => {
    expect(orderIdErrors('ord-1001', 'string')).toEqual([]);
    expect(orderIdErrors('', 'string')).toHaveLength(1);
    expect(orderIdErrors('a\tb', 'string')).toHaveLength(1);
    expect(orderIdErrors('1', 'bigint')).toHaveLength(1);
  });
});

describe('assertContext', () => {
  it('when actor is empty or a field is not a string, throws StockInputError (a caller bug)', () => {
    expect(() => assertContext({ causationId: 'c', correlationId: 'k', actor: '' })).toThrow(StockInputError);
    expect(() =>
      assertContext({ causationId: 1 as unknown as string, correlationId: 'k', actor: 'a' }),
    ).toThrow(StockInputError);
    expect(() => assertContext({ causationId: 'c', correlationId: 'k', actor: 'a', eventId: '' })).toThrow();
  });
});
