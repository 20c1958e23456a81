import { describe, expect, it } from 'vitest';
import { isLosslessNumber, parseJsonBody, stringifyLossless, stringifyResponse } from './json-body.js';

describe('parseJsonBody', () => {
  it('keeps an integer above 2^53 as its digits and small numbers as numbers', () => {
    const body = parseJsonBody('{"orderId": 92233720368547758071, "quantity": 2}') as Record<string, unknown>;
    expect(isLosslessNumber(body.orderId)).toBe(true);
    expect(String(body.orderId)).toBe('92233720368547758071');
    expect(body.quantity).toBe(2);
  });

  it('stores __proto__ as a plain key, never as the prototype', () => {
    const body = parseJsonBody('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as { admin?: unknown }).admin).toBeUndefined();
  });

  it('throws on malformed JSON and on a key repeated with another value', () => {
    expect(() => parseJsonBody('{"a": ')).toThrow(SyntaxError);
    expect(() => parseJsonBody('{"a": 1, "a": 2}')).toThrow();
  });
});

describe('stringifyLossless', () => {
  it('writes a big integer back with every digit', () => {
    const body = parseJsonBody('{"orderId": 18446744073709551615}');
    expect(stringifyLossless(body)).toBe('{"orderId":18446744073709551615}');
  });
});

describe('stringifyResponse', () => {
  it('writes plain data as JSON.stringify does', () => {
    const data = { success: true, data: { skuId: 'A', total: 3, note: '"isLosslessNumber":true' } };
    expect(stringifyResponse(data)).toBe(JSON.stringify(data));
  });

  it('writes a LosslessNumber anywhere in the data with every digit', () => {
    const data = { data: { items: [{ orderId: parseJsonBody('18446744073709551615') }] } };
    expect(stringifyResponse(data)).toBe('{"data":{"items":[{"orderId":18446744073709551615}]}}');
  });
});
