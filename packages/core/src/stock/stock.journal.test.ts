import { describe, expect, it } from 'vitest';
import { StockCode } from './stock.codes.js';
import { StockJournalParseError } from './stock.errors.js';
import { changedSkus, parseJournalEntry, parseJournalFields } from './stock.journal.js';

const base = {
  v: 1,
  at: 1769335200123,
  eventId: 'e1',
  causationId: 'c1',
  correlationId: '1001',
  actor: 'kafka:order.placed',
};

describe('parseJournalEntry', () => {
  it('when a reserve failed, reads failedItems as objects with null for an unknown SKU', () => {
    // Arrange: what reserve.lua writes (cjson.null for the unknown SKU)
    const raw = JSON.stringify({
      ...base,
      action: 'reserve',
      code: -2,
      orderId: '12345678901234567891',
      orderIdType: 'number',
      items: [
        ['A', 2],
        ['B', 5],
      ],
      failedItems: [
        ['A', 2, 1],
        ['B', 5, null],
      ],
    });
    // Act
    const entry = parseJournalEntry(raw);
    // Assert
    expect(entry.code).toBe(StockCode.SKU_NOT_FOUND);
    expect(entry.orderId).toBe('12345678901234567891');
    expect(entry.items).toEqual([
      { skuId: 'A', quantity: 2 },
      { skuId: 'B', quantity: 5 },
    ]);
    expect(entry.failedItems).toEqual([
      { skuId: 'A', requested: 2, available: 1 },
      { skuId: 'B', requested: 5, available: null },
    ]);
    expect(entry.skus).toEqual([]);
  });

  it('when cjson wrote an empty table as {}, reads it as an empty list', () => {
    const entry = parseJournalEntry(
      JSON.stringify({ ...base, action: 'release', code: -3, items: {}, skus: {} }),
    );
    expect(entry.items).toEqual([]);
    expect(entry.skus).toEqual([]);
  });

  it('when the JSON is malformed or misses a field, throws StockJournalParseError', () => {
    expect(() => parseJournalEntry('{')).toThrow(StockJournalParseError);
    expect(() => parseJournalEntry(JSON.stringify({ ...base, v: 2, action: 'add', code: 1 }))).toThrow(
      /version/,
    );
    expect(() => parseJournalEntry(JSON.stringify({ ...base, action: 'steal', code: 1 }))).toThrow(/action/);
    expect(() => parseJournalEntry(JSON.stringify({ ...base, action: 'add' }))).toThrow(/code/);
  });
});

describe('parseJournalFields', () => {
  it('when the stream entry has no field e, throws', () => {
    expect(() => parseJournalFields(['x', '1'])).toThrow(StockJournalParseError);
  });
});

describe('changedSkus', () => {
  const sku = { skuId: 'A', dTotal: 0, dReserved: -2, total: 10, reserved: 0, version: 3 };

  it('when a confirm found the deadline passed, reports the release it made', () => {
    const entry = parseJournalEntry(JSON.stringify({ ...base, action: 'confirm', code: -4, skus: [sku] }));
    expect(changedSkus(entry)).toEqual([sku]);
  });

  it('when an admin write failed, reports nothing (its skus is the unchanged state)', () => {
    const entry = parseJournalEntry(JSON.stringify({ ...base, action: 'set', code: -6, skus: [sku] }));
    expect(changedSkus(entry)).toEqual([]);
  });
});
