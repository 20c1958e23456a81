import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../apps/api/src/http/json-body.js';
import { reserveBodySchema } from '../../apps/api/src/schemas/reservation.schema.js';
import { parseInbound } from '../../packages/core/src/index.js';

/**
 * One order, two doors: the same JSON `{orderId, items}` sent as the body of POST /api/v1/reservations
 * and as the data of an order.placed event must be accepted or refused alike, and read as the same
 * order. Both paths compose the core's input pieces (stock.input.ts); this proves they do not drift.
 */

const text = fc.oneof(
  fc.string({ minLength: 0, maxLength: 140 }),
  fc.constantFrom(
    '',
    'A',
    'a\u0001b',
    '\u0085',
    'x'.repeat(64),
    'x'.repeat(65),
    'x'.repeat(128),
    'x'.repeat(129),
  ),
  fc.constantFrom('😀'.repeat(128), '😀'.repeat(129), 'SKU-1', 'ELEC-20260125-AB12-Black-M'),
);
/** JSON number literals as producers write them: small, huge, negative, fractions, exponents. */
const numberLiteral = fc.oneof(
  fc.integer({ min: -5, max: 2_000 }).map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom(
    '0',
    '-0',
    '1.5',
    '1.0',
    '1e3',
    '1.0e3',
    '2e9',
    '1000000000',
    '1000000001',
    '99999999999999999999',
  ),
  fc.constantFrom('100000000000000000000', '-99999999999999999999', '9007199254740993', '1e400'),
);
const jsonValue = fc.oneof(
  { weight: 3, arbitrary: numberLiteral },
  { weight: 3, arbitrary: text.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'null', '[]', '{}') },
);
const item = fc
  .record({ skuId: jsonValue, quantity: jsonValue })
  .map(({ skuId, quantity }) => `{"skuId": ${skuId}, "quantity": ${quantity}}`);
const manyDistinct = fc
  .integer({ min: 99, max: 102 })
  .map((n) => Array.from({ length: n }, (_, i) => `{"skuId": "S${i}", "quantity": 1}`));
const items = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(item, { minLength: 0, maxLength: 4 }).map((list) => `[${list.join(',')}]`),
  },
  { weight: 1, arbitrary: manyDistinct.map((list) => `[${list.join(',')}]`) },
  { weight: 1, arbitrary: fc.constantFrom('null', '"A"', '{}') },
);
const order = fc
  .record({ orderId: jsonValue, items })
  .map((o) => `{"orderId": ${o.orderId}, "items": ${o.items}}`);

function viaHttp(json: string) {
  const result = reserveBodySchema.safeParse(parseJsonBody(json));
  if (!result.success) return null;
  const { orderId, items } = result.data;
  return { ...orderId, items };
}

function viaKafka(json: string) {
  const value = `{"id": "e-1", "specversion": "1.0", "type": "order.placed", "data": ${json}}`;
  const result = parseInbound('order.placed', value);
  if (result.status !== 'ok' || result.event.kind !== 'order.placed') return null;
  const { orderId, orderIdType, items } = result.event;
  return { orderId, orderIdType, items };
}

describe('the order input rules, over HTTP and over Kafka', () => {
  it('accept and refuse the same orders, and read them as the same order', () => {
    fc.assert(
      fc.property(order, (json) => {
        expect(viaKafka(json), json).toEqual(viaHttp(json));
      }),
      { numRuns: 3_000 },
    );
  });

  it('agree on the cases the paths once disagreed on', () => {
    const cases = [
      `{"orderId": "${'x'.repeat(100)}", "items": [{"skuId": "A", "quantity": 1}]}`, // 64 vs 128 characters
      '{"orderId": 12345678901234567890123, "items": [{"skuId": "A", "quantity": 1}]}', // 23 digits
      '{"orderId": 7, "items": [{"skuId": -5, "quantity": 1}]}', // a negative numeric skuId
      '{"orderId": 7, "items": [{"skuId": "A", "quantity": 1.0e3}]}', // an integer written with an exponent
    ];
    const verdicts = cases.map((json) => [viaHttp(json) !== null, viaKafka(json) !== null]);
    expect(verdicts).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [true, true],
    ]);
  });
});
