import type { JournalEntry } from '@inventory/core';
import { describe, expect, it } from 'vitest';
import { type JournalMessage, toJournalRows } from './journal.rows.js';
import { testJournalEntry, testOutbound } from './journal.testing.js';

const settings = testOutbound;
const sku = { skuId: 'A', dTotal: 0, dReserved: 2, total: 10, reserved: 2, version: 3 };

function message(id: string, over: Partial<JournalEntry>): JournalMessage {
  const entry = testJournalEntry({ orderId: '42', ...over });
  return { id, raw: JSON.stringify(entry), entry };
}

describe('toJournalRows', () => {
  it('when the journal is one of several shards, qualifies every stored id with the shard', () => {
    const rows = toJournalRows([message('1769335200123-0', { skus: [sku] })], settings, new Map(), {
      shard: 7,
      qualified: true,
    });

    expect(rows.ledger.map((r) => r.journal_id)).toEqual(['s7:1769335200123-0']);
    // Sortable ids order by time across shards, then by shard.
    expect(rows.snapshots[0]?.last_journal_id).toBe('001769335200123-0000000000:s7');
    expect(rows.reservations[0]?.last_journal_id).toBe('001769335200123-0000000000:s7');
    expect(rows.outbox.map((r) => [r.journal_id, r.shard])).toEqual([['s7:1769335200123-0', 7]]);
    expect(rows.processed.map((r) => r.journal_id)).toEqual(['s7:1769335200123-0']);
  });

  it('when two shards write one order’s row, the later entry sorts last whatever the shard numbers', () => {
    const [early] = toJournalRows([message('1769335200123-0', {})], settings, new Map(), {
      shard: 12,
      qualified: true,
    }).reservations;
    const [late] = toJournalRows([message('1769335200124-0', {})], settings, new Map(), {
      shard: 8,
      qualified: true,
    }).reservations;

    expect((early?.last_journal_id ?? '') < (late?.last_journal_id ?? '')).toBe(true);
  });

  it('when there is one shard, stores the stream ids as they are, on shard 0', () => {
    const rows = toJournalRows([message('5-1', { skus: [sku] })], settings);

    expect(rows.ledger.map((r) => r.journal_id)).toEqual(['5-1']);
    expect(rows.outbox.map((r) => [r.journal_id, r.shard])).toEqual([['5-1', 0]]);
  });

  it('when a cross-shard order opens, writes a PENDING row under `begin`, not as the reserve outcome', () => {
    const rows = toJournalRows([message('5-1', { stage: 'begin' })], settings);

    expect(rows.reservations).toEqual([
      expect.objectContaining({ order_id: '42', status: 'PENDING', action: 'begin', items: '[["A",2]]' }),
    ]);
    expect(rows.processed).toEqual([]); // the event is processed once the order is answered
    expect(rows.outbox).toEqual([]);
  });

  it('when a part holds stock, writes its movements but no reservation row, outcome or processed id', () => {
    const rows = toJournalRows([message('5-1', { part: true, skus: [sku] })], settings);

    expect(rows.ledger).toHaveLength(1);
    expect(rows.snapshots).toHaveLength(1);
    expect(rows.reservations).toEqual([]);
    expect(rows.processed).toEqual([]);
    expect(rows.outbox.filter((r) => r.topic === settings.topics.stockReserved)).toEqual([]);
  });
});
