import { loadConfig } from '@inventory/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { T0 } from '../../../../packages/core/src/stock/stock.testing.js';
import { useDrainerFixture } from './drainer.testing.js';
import { createJournalDrainer } from './journal.drainer.js';

/** The relay's side of a bulk adjustment: one journal entry becomes one ledger row per SKU. */

const who = { causationId: 'bulk-key-1', correlationId: 'corr-1', actor: 'http:alice' };
const topics = loadConfig({}).kafka.topics;
const f = useDrainerFixture('journal-bulk-test');

describe('journal drainer, bulk entries', () => {
  it('writes one ledger row, one snapshot and one stock.adjusted event per SKU of a bulk entry', async () => {
    // Arrange
    await f.t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
    await f.drain();
    // Act
    await f.t.runner.bulk({
      ...who,
      reason: 'stocktake',
      items: [
        { skuId: 'A', delta: -10 },
        { skuId: 'B', total: 5 },
      ],
    });
    await f.drain();
    // Assert
    const ledger = await f
      .knex('inventory_ledger')
      .where({ action: 'bulk' })
      .orderBy('sku_id')
      .select('sku_id', 'delta_total', 'total_after', 'version', 'reason', 'causation_id', 'actor');
    expect(ledger).toEqual([
      {
        sku_id: 'A',
        delta_total: -10,
        total_after: 0,
        version: 2,
        reason: 'stocktake',
        causation_id: 'bulk-key-1',
        actor: 'http:alice',
      },
      {
        sku_id: 'B',
        delta_total: 5,
        total_after: 5,
        version: 1,
        reason: 'stocktake',
        causation_id: 'bulk-key-1',
        actor: 'http:alice',
      },
    ]);
    const snapshots = await f
      .knex('inventory_snapshot')
      .orderBy('sku_id')
      .select('sku_id', 'total', 'version');
    expect(snapshots).toEqual([
      { sku_id: 'A', total: 0, version: 2 },
      { sku_id: 'B', total: 5, version: 1 },
    ]);
    const outbox = await f
      .knex('inventory_outbox')
      .whereIn('topic', [topics.stockAdjusted, topics.stockDepleted])
      .orderBy('id')
      .select('event_id', 'topic', 'message_key', 'payload');
    const adjusted = outbox.filter((r) => r.topic === topics.stockAdjusted).slice(1); // after the init's
    expect(adjusted.map((r) => [r.message_key, JSON.parse(r.payload).data])).toEqual([
      ['A', expect.objectContaining({ skuId: 'A', delta: -10, total: 0, available: 0, reason: 'stocktake' })],
      ['B', expect.objectContaining({ skuId: 'B', delta: 5, total: 5, available: 5, version: 1 })],
    ]);
    expect(new Set(adjusted.map((r) => r.event_id)).size).toBe(2);
    expect(outbox.filter((r) => r.topic === topics.stockDepleted).map((r) => r.message_key)).toEqual(['A']);
    expect(new Date(JSON.parse(adjusted[0]?.payload ?? '{}').time).getTime()).toBe(T0);
  });

  it('stores a batch of many bulk entries in several transactions, every row once', async () => {
    for (let chunk = 0; chunk < 12; chunk += 1) {
      const items = Array.from({ length: 1000 }, (_, i) => ({ skuId: `C${chunk}-${i}`, total: i + 1 }));
      await f.t.runner.bulk({ ...who, items, idempotencyKey: `chunk-${chunk}` });
    }
    const stored: { msg: string; entries?: number }[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void stored.push(JSON.parse(line)) });
    const watched = createJournalDrainer({
      redis: f.redis,
      knex: f.knex,
      journalKey: f.t.runner.keys.journal,
      outbound: { source: 'test', topics },
      logger,
      batchSize: 100,
    });
    const result = await watched.drainOnce(0).then(() => watched.drainOnce(0)); // pending first, then new
    await watched.close(); // waits for the last XACK + XDEL
    expect(result.entries).toBe(12);
    // At most 5000 SKU changes per transaction: 5 + 5 + 2 entries.
    const batches = stored.filter((l) => l.msg === 'journal batch stored').map((l) => l.entries);
    expect(batches).toEqual([5, 5, 2]);
    expect(await f.t.journalLength()).toBe(0);
    const [ledger] = await f.knex('inventory_ledger').where({ action: 'bulk' }).count({ n: '*' });
    const [snapshots] = await f.knex('inventory_snapshot').count({ n: '*' });
    expect([Number(ledger?.n), Number(snapshots?.n)]).toEqual([12_000, 12_000]);
  });

  it('writes no ledger row, snapshot or event for a failed bulk entry', async () => {
    await f.t.runner.init({ ...who, skuId: 'A', initialQuantity: 1 });
    await f.drain();
    const before = await f.knex('inventory_outbox').count({ n: '*' }).first();
    await f.t.runner.bulk({
      ...who,
      items: [
        { skuId: 'A', delta: -2 },
        { skuId: 'B', total: 5 },
      ],
    });
    await f.drain();
    expect(await f.knex('inventory_ledger').where({ action: 'bulk' })).toEqual([]);
    expect(await f.knex('inventory_snapshot').pluck('sku_id')).toEqual(['A']);
    expect(await f.knex('inventory_outbox').count({ n: '*' }).first()).toEqual(before);
    expect(await f.knex('inventory_event_idempotency').where({ action: 'bulk' })).toHaveLength(1);
  });
});
