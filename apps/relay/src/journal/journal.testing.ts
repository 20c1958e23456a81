import type { JournalEntry } from '@inventory/core';
import { loadConfig, StockCode } from '@inventory/core';

/** Outbound settings with the contract's topic names, for tests of the relay's rows and events. */
export const testOutbound = { source: 'inventory-service', topics: loadConfig({}).kafka.topics };

/** A successful reserve entry of order 9007199254740993123 (above 2^53), with `over` applied. */
export function testJournalEntry(over: Partial<JournalEntry> = {}): JournalEntry {
  return {
    v: 1,
    action: 'reserve',
    code: StockCode.OK,
    at: Date.UTC(2026, 0, 25, 10),
    eventId: '11111111-1111-4111-8111-111111111111',
    causationId: 'in-1',
    correlationId: 'corr-1',
    actor: 'kafka:order.placed',
    orderId: '9007199254740993123',
    orderIdType: 'number',
    skus: [],
    items: [{ skuId: 'A', quantity: 2 }],
    failedItems: [],
    ...over,
  };
}
