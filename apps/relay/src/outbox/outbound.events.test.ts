import type { JournalEntry } from '@inventory/core';
import { StockCode } from '@inventory/core';
import { describe, expect, it } from 'vitest';
import { testJournalEntry, testOutbound } from '../journal/journal.testing.js';
import { outboundEvents } from './outbound.events.js';

const settings = testOutbound;
const entry = testJournalEntry;

describe('outboundEvents', () => {
  it('when the entry is a cross-shard order’s part or opening, emits no order event (its coordinator answers)', () => {
    const sku = { skuId: 'A', dTotal: 0, dReserved: 2, total: 10, reserved: 2, version: 3 };
    expect(outboundEvents(entry({ part: true, skus: [sku] }), settings)).toEqual([]);
    expect(outboundEvents(entry({ stage: 'begin' }), settings)).toEqual([]);
    expect(outboundEvents(entry({}), settings).map((e) => e.type)).toEqual(['stock.reserved']);
  });

  it('when a reserve succeeds, emits stock.reserved keyed by the order with the numeric id exact', () => {
    const [event, ...rest] = outboundEvents(entry({ expiresAt: Date.UTC(2026, 0, 25, 10, 15) }), settings);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'stock.reserved',
      topic: settings.topics.stockReserved,
      key: '9007199254740993123',
    });
    expect(event?.payload).toContain('"orderId":9007199254740993123,');
    expect(JSON.parse(event?.payload ?? '')).toMatchObject({
      id: '11111111-1111-4111-8111-111111111111',
      specversion: '1.0',
      subject: 'inventory/9007199254740993123',
      time: '2026-01-25T10:00:00.000Z',
      data: {
        items: [{ skuId: 'A', quantity: 2 }],
        expiresAt: '2026-01-25T10:15:00.000Z',
        correlationId: 'corr-1',
        causationId: 'in-1',
      },
    });
  });

  it('when a reserve fails, lists only the failing items with their available quantity (null when unknown)', () => {
    const events = outboundEvents(
      entry({
        code: StockCode.SKU_NOT_FOUND,
        orderIdType: 'string',
        orderId: 'A-1',
        failedItems: [
          { skuId: 'X', requested: 3, available: null },
          { skuId: 'B', requested: 5, available: 1 },
        ],
      }),
      settings,
    );
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.payload ?? '').data).toEqual({
      orderId: 'A-1',
      reason: 'SKU_NOT_FOUND',
      failedItems: [
        { skuId: 'X', requestedQuantity: 3, quantity: 3, availableQuantity: null },
        { skuId: 'B', requestedQuantity: 5, quantity: 5, availableQuantity: 1 },
      ],
      occurredAt: Date.UTC(2026, 0, 25, 10),
      correlationId: 'corr-1',
      causationId: 'in-1',
    });
  });

  it('when a confirm finds the deadline passed, emits stock.released EXPIRED then stock.confirm.failed, with stable ids', () => {
    const e = entry({
      action: 'confirm',
      code: StockCode.RESERVATION_EXPIRED,
      skus: [{ skuId: 'A', dTotal: 0, dReserved: -2, total: 2, reserved: 0, version: 3 }], // available 0 → 2
    });
    const first = outboundEvents(e, settings);
    expect(first.map((x) => x.type)).toEqual(['stock.released', 'stock.confirm.failed', 'stock.restored']);
    expect(first[1]?.eventId).toBe(e.eventId);
    expect(outboundEvents(e, settings).map((x) => x.eventId)).toEqual(first.map((x) => x.eventId));
  });

  it('when a release fails, emits nothing (the contract has no release-failure event)', () => {
    expect(outboundEvents(entry({ action: 'release', code: StockCode.ALREADY_CONFIRMED }), settings)).toEqual(
      [],
    );
  });

  it('when an admin decrease takes available to 0, emits stock.adjusted and stock.depleted keyed by SKU', () => {
    const events = outboundEvents(
      entry({
        action: 'decrease',
        orderId: undefined,
        orderIdType: undefined,
        reason: 'DAMAGED',
        skus: [{ skuId: 'A', dTotal: -4, dReserved: 0, total: 6, reserved: 6, version: 9 }],
      }),
      settings,
    );
    expect(events.map((x) => [x.type, x.key])).toEqual([
      ['stock.adjusted', 'A'],
      ['stock.depleted', 'A'],
    ]);
    expect(JSON.parse(events[0]?.payload ?? '').data).toMatchObject({
      skuId: 'A',
      delta: -4,
      total: 6,
      reserved: 6,
      available: 0,
      reason: 'DAMAGED',
      version: 9,
    });
  });
});

describe('outboundEvents stock.low', () => {
  // An admin decrease of SKU A; `before` and `after` are the available quantities around it.
  function decrease(before: number, after: number): JournalEntry {
    const total = after + 2; // 2 reserved throughout
    return entry({
      action: 'decrease',
      orderId: undefined,
      orderIdType: undefined,
      skus: [{ skuId: 'A', dTotal: after - before, dReserved: 0, total, reserved: 2, version: 4 }],
    });
  }
  const types = (events: { type: string }[]) => events.map((e) => e.type);
  const low = (e: JournalEntry, threshold?: number) =>
    outboundEvents(e, settings, new Map(threshold === undefined ? [] : [['A', threshold]])).filter(
      (x) => x.type === 'stock.low',
    );

  it('when available falls from at/above the threshold to below it, emits one stock.low keyed by SKU', () => {
    const e = decrease(5, 4);
    const [event, ...rest] = low(e, 5);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ topic: settings.topics.stockLow, key: 'A' });
    expect(JSON.parse(event?.payload ?? '')).toMatchObject({
      type: 'stock.low',
      subject: 'inventory/A',
      data: { skuId: 'A', available: 4, threshold: 5, correlationId: 'corr-1', causationId: 'in-1' },
    });
    // Derived from the entry id: re-draining the entry yields the same id, never a new one.
    expect(low(e, 5)[0]?.eventId).toBe(event?.eventId);
    expect(event?.eventId).not.toBe(e.eventId);
  });

  it('when available lands exactly on the threshold, emits nothing (strictly below)', () => {
    expect(low(decrease(8, 5), 5)).toEqual([]);
  });

  it('when available was already below the threshold, emits nothing again', () => {
    expect(low(decrease(4, 1), 5)).toEqual([]);
  });

  it('when available rises, emits nothing, even from below the threshold to above it', () => {
    expect(low(decrease(2, 9), 5)).toEqual([]);
    expect(low(decrease(5, 6), 5)).toEqual([]);
  });

  it('when the SKU has no threshold, emits nothing', () => {
    expect(low(decrease(100, 0))).toEqual([]);
    expect(outboundEvents(decrease(5, 4), settings, new Map([['B', 5]])).map((x) => x.type)).toEqual([
      'stock.adjusted',
    ]);
  });

  it('when available falls from above the threshold to 0, emits stock.low then stock.depleted', () => {
    expect(types(outboundEvents(decrease(6, 0), settings, new Map([['A', 5]])))).toEqual([
      'stock.adjusted',
      'stock.low',
      'stock.depleted',
    ]);
  });

  it('when a reservation takes available below the threshold, carries the order id like stock.depleted', () => {
    const e = entry({
      skus: [{ skuId: 'A', dTotal: 0, dReserved: 3, total: 10, reserved: 3, version: 2 }], // 10 → 7
    });
    const events = outboundEvents(e, settings, new Map([['A', 8]]));
    expect(types(events)).toEqual(['stock.reserved', 'stock.low']);
    expect(events[1]?.payload).toContain('"orderId":9007199254740993123,');
    expect(JSON.parse(events[1]?.payload ?? '').data).toMatchObject({ available: 7, threshold: 8 });
  });

  it('when the SKU is created (init), emits nothing whatever its threshold', () => {
    const e = entry({
      action: 'init',
      orderId: undefined,
      orderIdType: undefined,
      skus: [{ skuId: 'A', dTotal: 0, dReserved: 0, total: 0, reserved: 0, version: 1 }],
    });
    expect(types(outboundEvents(e, settings, new Map([['A', 5]])))).toEqual(['stock.adjusted']);
  });
});
