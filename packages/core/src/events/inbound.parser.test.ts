import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInbound } from './inbound.parser.js';

const fixture = (name: string) => readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url));

function envelope(type: string, data: unknown, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ id: 'e-1', source: 's', specversion: '1.0', type, data, ...extra });
}

describe('parseInbound', () => {
  it('when given the v1 order.placed fixture (string skuId, epoch-seconds time), returns the order with numeric id type', () => {
    const r = parseInbound('order.placed', fixture('order-placed.v1.key-1001.json'));
    expect(r).toEqual({
      status: 'ok',
      event: {
        kind: 'order.placed',
        eventId: '3f6c1d2e-8a4b-4c1e-9f0a-1b2c3d4e5f60',
        orderId: '1001',
        orderIdType: 'number',
        correlationId: '1001',
        items: [
          { skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C', quantity: 2 },
          { skuId: 'SKU-002', quantity: 1 },
        ],
      },
    });
  });

  it('when given the v2 order.placed fixture (numeric skuId, ISO time, null causationId), reads skuId as a string', () => {
    const r = parseInbound('order.placed', fixture('order-placed.v2.key-1002.json'));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok' || r.event.kind !== 'order.placed') throw new Error('unreachable');
    expect(r.event.items).toEqual([{ skuId: '3001', quantity: 3 }]);
    expect(r.event.orderId).toBe('1002');
  });

  it('when given the confirm, cancel and sku-created fixtures, parses each', () => {
    expect(parseInbound('order.confirmed', fixture('order-confirmed.v1.key-1001.json'))).toMatchObject({
      status: 'ok',
      event: { kind: 'order.confirmed', orderId: '1001', correlationId: '1001' },
    });
    expect(parseInbound('order.cancelled', fixture('order-cancelled.v1.key-1001.json'))).toMatchObject({
      status: 'ok',
      event: { kind: 'order.cancelled', reason: 'PAYMENT_FAILED' },
    });
    expect(
      parseInbound(
        'product.sku.created',
        fixture('product-sku-created.key-ELEC-20260125-AB12-Black-M-1A2B3C.json'),
      ),
    ).toMatchObject({
      status: 'ok',
      event: { skuId: 'ELEC-20260125-AB12-Black-M-1A2B3C', initialQuantity: 0 },
    });
  });

  it('when order.cancelled carries any reason the order service sends (or a new one), keeps it as given', () => {
    const reasons = [
      'USER_REQUEST',
      'PAYMENT_TIMEOUT',
      'PAYMENT_FAILED',
      'STOCK_RESERVATION_FAILED',
      'NEW_REASON',
    ];
    for (const reason of reasons) {
      expect(
        parseInbound('order.cancelled', envelope('order.cancelled', { orderId: 7, reason })),
      ).toMatchObject({
        status: 'ok',
        event: { kind: 'order.cancelled', orderId: '7', reason },
      });
    }
  });

  it('when the order id is above 2^53, keeps every digit', () => {
    const raw = `{"id":"x","specversion":"1.0","type":"order.confirmed","data":{"orderId":9007199254740993123}}`;
    expect(parseInbound('order.confirmed', raw)).toMatchObject({
      status: 'ok',
      event: { orderId: '9007199254740993123', orderIdType: 'number', correlationId: '9007199254740993123' },
    });
  });

  it('when the order id is a string, echoes it as a string type', () => {
    const r = parseInbound('order.confirmed', envelope('order.confirmed', { orderId: 'A-77' }));
    expect(r).toMatchObject({ event: { orderId: 'A-77', orderIdType: 'string' } });
  });

  it.each([
    ['not JSON', 'not json{', 'NOT_JSON'],
    ['an empty value', '', 'NOT_JSON'],
    ['a JSON array', '[1,2]', 'NOT_AN_OBJECT'],
    ['a JSON number', '42', 'NOT_AN_OBJECT'],
    ['a wrong specversion', envelope('order.placed', {}, { specversion: '0.3' }), 'INVALID_ENVELOPE'],
    [
      'a missing id',
      JSON.stringify({ specversion: '1.0', type: 'order.placed', data: {} }),
      'INVALID_ENVELOPE',
    ],
    ['another type', envelope('order.confirmed', { orderId: 1 }), 'UNEXPECTED_TYPE'],
    ['no orderId', envelope('order.placed', { items: [{ skuId: 'A', quantity: 1 }] }), 'INVALID_DATA'],
    ['no items', envelope('order.placed', { orderId: 1 }), 'INVALID_DATA'],
    ['empty items', envelope('order.placed', { orderId: 1, items: [] }), 'INVALID_DATA'],
    [
      'a zero quantity',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A', quantity: 0 }] }),
      'INVALID_DATA',
    ],
    [
      'a fractional quantity',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A', quantity: 1.5 }] }),
      'INVALID_DATA',
    ],
    [
      'a string quantity',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A', quantity: '1' }] }),
      'INVALID_DATA',
    ],
    [
      'a huge quantity',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A', quantity: 1e10 }] }),
      'INVALID_DATA',
    ],
    [
      'a control char in skuId',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A\u0001', quantity: 1 }] }),
      'INVALID_DATA',
    ],
    [
      'a C1 control char in skuId',
      envelope('order.placed', { orderId: 1, items: [{ skuId: 'A\u0085', quantity: 1 }] }),
      'INVALID_DATA',
    ],
    [
      'too many items',
      envelope('order.placed', {
        orderId: 1,
        items: Array.from({ length: 101 }, (_, i) => ({ skuId: `S${i}`, quantity: 1 })),
      }),
      'INVALID_DATA',
    ],
  ])('when the message is %s, marks it poison with reason %s', (_label, raw, reason) => {
    expect(parseInbound('order.placed', raw)).toMatchObject({ status: 'poison', reason });
  });

  it('when the same SKU appears 101 times, it is still one distinct SKU and valid', () => {
    const items = Array.from({ length: 101 }, () => ({ skuId: 'A', quantity: 1 }));
    expect(parseInbound('order.placed', envelope('order.placed', { orderId: 1, items })).status).toBe('ok');
  });

  it('when product.default carries another product event, ignores it without dead-lettering', () => {
    expect(parseInbound('product.sku.created', envelope('product.updated', { productId: 1 }))).toEqual({
      status: 'ignored',
      type: 'product.updated',
    });
  });
});
