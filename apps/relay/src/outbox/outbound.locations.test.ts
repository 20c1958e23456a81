import { describe, expect, it } from 'vitest';
import { testJournalEntry as entry, testOutbound as settings } from '../journal/journal.testing.js';
import { outboundEvents } from './outbound.events.js';

/** Outcome and level events of stock per location (docs/locations.md, "Events"). */

const data = (payload: string | undefined) => JSON.parse(payload ?? '').data as Record<string, unknown>;

describe('outboundEvents, stock per location', () => {
  it('lists each item’s allocations on stock.reserved; an item all at `default` reads as before', () => {
    const events = outboundEvents(
      entry({
        items: [
          {
            skuId: 'A',
            quantity: 3,
            allocations: [
              { locationId: 'berlin', quantity: 1 },
              { locationId: 'hamburg', quantity: 2 },
            ],
          },
          { skuId: 'B', quantity: 1 },
        ],
      }),
      settings,
    );
    expect(data(events[0]?.payload).items).toEqual([
      {
        skuId: 'A',
        quantity: 3,
        allocations: [
          { locationId: 'berlin', quantity: 1 },
          { locationId: 'hamburg', quantity: 2 },
        ],
      },
      { skuId: 'B', quantity: 1 },
    ]);
  });

  it('emits stock.depleted for the location that reached 0 as well as for the SKU, each with its own id', () => {
    const berlin = {
      locationId: 'berlin',
      dTotal: 0,
      dReserved: 2,
      total: 2,
      reserved: 2,
      safetyStock: 0,
      backorderLimit: 0,
    };
    const hamburg = {
      locationId: 'hamburg',
      dTotal: 0,
      dReserved: 0,
      total: 5,
      reserved: 5,
      safetyStock: 0,
      backorderLimit: 0,
    };
    const sku = {
      skuId: 'A',
      dTotal: 0,
      dReserved: 2,
      total: 7,
      reserved: 7,
      version: 3,
      locations: [berlin, hamburg],
    };
    const events = outboundEvents(entry({ skus: [sku] }), settings);
    const depleted = events.filter((e) => e.type === 'stock.depleted');
    expect(depleted.map((e) => data(e.payload).locationId ?? 'SKU')).toEqual(['SKU', 'berlin']);
    expect(new Set(depleted.map((e) => e.eventId)).size).toBe(2);
  });

  it('a safety stock raised to everything on hand depletes the location, though nothing moved', () => {
    const home = {
      locationId: 'default',
      dTotal: 0,
      dReserved: 0,
      total: 4,
      reserved: 0,
      safetyStock: 4,
      backorderLimit: 0,
      dSafetyStock: 4,
    };
    const sku = {
      skuId: 'A',
      dTotal: 0,
      dReserved: 0,
      total: 4,
      reserved: 0,
      version: 2,
      safety: 4,
      dSafety: 4,
      locations: [home],
    };
    const events = outboundEvents(entry({ action: 'set', orderId: undefined, skus: [sku] }), settings);
    expect(
      events.map((e) => [e.type, data(e.payload).locationId ?? 'SKU', data(e.payload).available]),
    ).toEqual([
      ['stock.adjusted', 'SKU', 0],
      ['stock.depleted', 'SKU', 0],
      ['stock.depleted', 'default', 0],
    ]);
  });
});
