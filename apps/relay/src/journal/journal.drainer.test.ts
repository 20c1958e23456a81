import type { JournalEntry, JournalSku } from '@inventory/core';
import { describe, expect, it } from 'vitest';
import { splitBySkus } from './journal.drainer.js';
import type { JournalMessage } from './journal.rows.js';

const sku: JournalSku = { skuId: 'A', dTotal: 1, dReserved: 0, total: 1, reserved: 0, version: 1 };
const message = (id: string, skus: number): JournalMessage => ({
  id,
  raw: '{}',
  entry: { skus: Array.from({ length: skus }, () => sku) } as JournalEntry,
});

describe('splitBySkus', () => {
  it('keeps entries in order and starts a new part before one would pass the cap', () => {
    const parts = splitBySkus(
      [message('1', 600), message('2', 300), message('3', 0), message('4', 200), message('5', 1000)],
      1000,
    );
    expect(parts.map((p) => p.map((m) => m.id))).toEqual([['1', '2', '3'], ['4'], ['5']]);
  });

  it('never splits an entry: one above the cap is a part of its own', () => {
    expect(
      splitBySkus([message('1', 5), message('2', 50), message('3', 5)], 10).map((p) => p.length),
    ).toEqual([1, 1, 1]);
  });
});
