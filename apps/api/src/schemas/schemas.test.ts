import { orderIdInput as orderIdInputSchema } from '@inventory/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../http/json-body.js';
import { validatorCompiler } from '../http/validation.js';
import { skuIdSchema } from './common.schema.js';
import { decodeCursor, encodeCursor, historyQuerySchema, skuParamsSchema } from './inventory.schema.js';
import { orderParamsSchema, reserveBodySchema } from './reservation.schema.js';

describe('skuIdSchema', () => {
  it('accepts 1..128 characters of free text, counting code points', () => {
    expect(skuIdSchema.safeParse('ELEC-20260125-AB12-Black-M').success).toBe(true);
    expect(skuIdSchema.safeParse('한글-상품-빨강').success).toBe(true);
    expect(skuIdSchema.safeParse('😀'.repeat(128)).success).toBe(true);
    expect(skuIdSchema.safeParse('😀'.repeat(129)).success).toBe(false);
    expect(skuIdSchema.safeParse('').success).toBe(false);
  });

  it('rejects control characters and lone surrogates', () => {
    expect(skuIdSchema.safeParse('a\u0000b').success).toBe(false);
    expect(skuIdSchema.safeParse('a\u0085b').success).toBe(false);
    expect(skuIdSchema.safeParse('a\ud800b').success).toBe(false);
  });
});

describe('path parameter schemas (precompiled accept, zod for the rest)', () => {
  // Control characters, surrogates (lone or paired), astral code points and plain text, at lengths
  // around the 128 limit in both UTF-16 units and code points.
  const unit = fc.oneof(
    fc.constantFrom('a', '-', '/', ' ', '한', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f'),
    fc.constantFrom('\ud800', '\udfff', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  const value = fc.oneof(
    fc.string({ unit, minLength: 0, maxLength: 140, size: 'max' }),
    fc.string({ unit: fc.constantFrom('x', '😀'), minLength: 60, maxLength: 140, size: 'max' }),
    fc
      .tuple(fc.constantFrom('x', '😀', '한'), fc.integer({ min: 120, max: 140 }))
      .map(([char, count]) => char.repeat(count)),
    fc.anything(),
  );

  for (const [name, schema, key] of [
    ['skuParamsSchema', skuParamsSchema, 'skuId'],
    ['orderParamsSchema', orderParamsSchema, 'orderId'],
  ] as const) {
    it(`${name}: the compiled validator answers exactly what zod answers`, () => {
      const validate = validatorCompiler({ schema, method: 'GET', url: '/x', httpPart: 'params' });
      fc.assert(
        fc.property(value, (v) => {
          const data = { [key]: v };
          const zod = schema.safeParse(data);
          const result = validate(data) as { value?: unknown; error?: Error };
          if (zod.success) expect(result).toEqual({ value: zod.data });
          else expect(result.error).toBeInstanceOf(Error);
        }),
        { numRuns: 2000 },
      );
    });
  }
});

describe('orderIdInputSchema', () => {
  it('keeps a numeric orderId above 2^53 exact and remembers it was a number', () => {
    const body = parseJsonBody('{"orderId": 9223372036854775807}') as { orderId: unknown };
    expect(orderIdInputSchema.parse(body.orderId)).toEqual({
      orderId: '9223372036854775807',
      orderIdType: 'number',
    });
    expect(orderIdInputSchema.parse(1001)).toEqual({ orderId: '1001', orderIdType: 'number' });
    expect(orderIdInputSchema.parse('1001')).toEqual({ orderId: '1001', orderIdType: 'string' });
  });

  it('rejects fractions, exponents that are not integers, empty strings and other types', () => {
    expect(orderIdInputSchema.safeParse(1.5).success).toBe(false);
    expect(orderIdInputSchema.safeParse(parseJsonBody('1.5e400')).success).toBe(false);
    expect(orderIdInputSchema.safeParse('').success).toBe(false);
    expect(orderIdInputSchema.safeParse(true).success).toBe(false);
    expect(orderIdInputSchema.safeParse(null).success).toBe(false);
  });
});

describe('reserveBodySchema', () => {
  it('turns integer skuIds into strings', () => {
    const parsed = reserveBodySchema.parse({ orderId: 1, items: [{ skuId: 42, quantity: 1 }] });
    expect(parsed.items).toEqual([{ skuId: '42', quantity: 1 }]);
  });

  it('rejects quantities outside 1..10^9', () => {
    expect(reserveBodySchema.safeParse({ orderId: 1, items: [{ skuId: 'A', quantity: 0 }] }).success).toBe(
      false,
    );
    expect(
      reserveBodySchema.safeParse({ orderId: 1, items: [{ skuId: 'A', quantity: 1e9 + 1 }] }).success,
    ).toBe(false);
  });
});

describe('history cursor', () => {
  it('round-trips a row id and rejects anything else', () => {
    expect(decodeCursor(encodeCursor(12345))).toBe(12345);
    expect(decodeCursor('not base64!')).toBeNull();
    expect(decodeCursor(Buffer.from('-1').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('abc').toString('base64url'))).toBeNull();
  });

  it('defaults limit to 50 and caps it at 200', () => {
    expect(historyQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(historyQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ limit: 'ten' }).success).toBe(false);
    expect(historyQuerySchema.parse({ limit: '200', cursor: encodeCursor(7) })).toEqual({
      limit: 200,
      cursor: 7,
    });
  });
});
