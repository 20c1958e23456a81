import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LosslessNumber } from './json-body.js';
import { echoValue, fieldPath, toFieldErrors } from './validation.js';

describe('fieldPath', () => {
  it('writes array indexes in brackets and properties with dots, like the core', () => {
    expect(fieldPath(['items', 0, 'quantity'])).toBe('items[0].quantity');
    expect(fieldPath(['skuId'])).toBe('skuId');
    expect(fieldPath([])).toBe('(root)');
  });
});

describe('echoValue', () => {
  it('echoes scalars, keeps big numbers exact, cuts long strings and drops objects', () => {
    expect(echoValue(5)).toBe(5);
    expect(echoValue(undefined)).toBeNull();
    const big = new LosslessNumber('92233720368547758071');
    expect(echoValue(big)).toBe(big);
    expect(echoValue('x'.repeat(1000))).toHaveLength(257);
    expect(echoValue({ a: 1 })).toBeNull();
    expect(echoValue([1, 2])).toBeNull();
  });
});

describe('toFieldErrors', () => {
  it('when a nested field is invalid, reports its path, the value it got and the reason', () => {
    // Arrange
    const schema = z.object({ items: z.array(z.object({ quantity: z.number().int() })) });
    // Act
    const result = schema.safeParse({ items: [{ quantity: 1.5 }] }, { reportInput: true });
    // Assert
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(toFieldErrors(result.error)).toEqual([
      { field: 'items[0].quantity', value: 1.5, reason: expect.any(String) },
    ]);
  });
});
