import type { Knex } from 'knex';
import type { LowStockThresholds, OutboundSettings } from '../outbox/outbound.events.js';
import { changedSkuIds, type JournalMessage, type JournalRows, toJournalRows } from './journal.rows.js';

/** MariaDB caps placeholders per statement; stay well below it with big batches. */
const CHUNK = 500;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

function placeholders(columns: number, rows: number, row?: string): string {
  const one = row ?? `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(one).join(', ');
}

async function insertLedger(trx: Knex.Transaction, rows: JournalRows['ledger']): Promise<void> {
  for (const part of chunks(rows)) {
    // (journal_id, sku_id) is unique: a re-applied entry is ignored.
    await trx.raw(
      `INSERT IGNORE INTO inventory_ledger (journal_id, sku_id, delta_total, delta_reserved, total_after,
        reserved_after, version, action, reason, order_id, causation_id, correlation_id, actor, created_at)
       VALUES ${placeholders(14, part.length)}`,
      part.flatMap((r) => [
        r.journal_id,
        r.sku_id,
        r.delta_total,
        r.delta_reserved,
        r.total_after,
        r.reserved_after,
        r.version,
        r.action,
        r.reason,
        r.order_id,
        r.causation_id,
        r.correlation_id,
        r.actor,
        r.created_at,
      ]),
    );
  }
}

async function upsertSnapshots(trx: Knex.Transaction, rows: JournalRows['snapshots']): Promise<void> {
  for (const part of chunks(rows)) {
    // Only a newer version wins; `version` is assigned last because MariaDB evaluates the
    // assignments left to right and the conditions must see the old version.
    await trx.raw(
      `INSERT INTO inventory_snapshot (sku_id, total, reserved, version, last_journal_id, updated_at)
       VALUES ${placeholders(6, part.length)}
       ON DUPLICATE KEY UPDATE
         total = IF(VALUES(version) > version, VALUES(total), total),
         reserved = IF(VALUES(version) > version, VALUES(reserved), reserved),
         last_journal_id = IF(VALUES(version) > version, VALUES(last_journal_id), last_journal_id),
         updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),
         version = GREATEST(version, VALUES(version))`,
      part.flatMap((r) => [r.sku_id, r.total, r.reserved, r.version, r.last_journal_id, r.updated_at]),
    );
  }
}

/** Status placeholder for "the entry does not change the status"; replaced by NONE on new rows. */
const KEEP = 'KEEP';

async function upsertReservations(trx: Knex.Transaction, rows: JournalRows['reservations']): Promise<void> {
  for (const part of chunks(rows)) {
    // Rows of one order apply in journal order; an older entry than the row's last one changes
    // nothing. last_journal_id is assigned last so every condition sees the old value.
    await trx.raw(
      `INSERT INTO inventory_reservation (order_id, order_id_type, status, items, expires_at, outcomes,
         last_journal_id, created_at, updated_at)
       VALUES ${placeholders(0, part.length, '(?, ?, ?, ?, ?, JSON_OBJECT(?, ?), ?, ?, ?)')}
       ON DUPLICATE KEY UPDATE
         status = IF(VALUES(last_journal_id) > last_journal_id AND VALUES(status) <> '${KEEP}', VALUES(status), status),
         items = IF(VALUES(last_journal_id) > last_journal_id AND VALUES(status) <> '${KEEP}', VALUES(items), items),
         expires_at = IF(VALUES(last_journal_id) > last_journal_id AND VALUES(expires_at) IS NOT NULL,
           VALUES(expires_at), expires_at),
         outcomes = IF(VALUES(last_journal_id) > last_journal_id,
           JSON_MERGE_PATCH(COALESCE(outcomes, '{}'), VALUES(outcomes)), outcomes),
         updated_at = IF(VALUES(last_journal_id) > last_journal_id, VALUES(updated_at), updated_at),
         last_journal_id = GREATEST(last_journal_id, VALUES(last_journal_id))`,
      part.flatMap((r) => [
        r.order_id,
        r.order_id_type,
        r.status ?? KEEP,
        r.items,
        r.expires_at,
        r.action,
        r.outcome,
        r.last_journal_id,
        r.updated_at,
        r.updated_at,
      ]),
    );
  }
  await trx.raw(`UPDATE inventory_reservation SET status = 'NONE' WHERE status = '${KEEP}'`);
}

async function insertProcessed(trx: Knex.Transaction, rows: JournalRows['processed']): Promise<void> {
  for (const part of chunks(rows)) {
    await trx.raw(
      `INSERT IGNORE INTO inventory_event_idempotency (event_id, action, journal_id, created_at)
       VALUES ${placeholders(4, part.length)}`,
      part.flatMap((r) => [r.event_id, r.action, r.journal_id, r.created_at]),
    );
  }
}

async function insertHttpIdempotency(
  trx: Knex.Transaction,
  rows: JournalRows['httpIdempotency'],
): Promise<void> {
  for (const part of chunks(rows)) {
    // The first outcome per key wins, as in Redis: a replay appends no entry, so a second row for
    // a key can only come from an entry re-applied after a crash (the same outcome).
    await trx.raw(
      `INSERT IGNORE INTO inventory_http_idempotency (idempotency_key, outcome, journal_id, created_at)
       VALUES ${placeholders(4, part.length)}`,
      part.flatMap((r) => [r.idempotency_key, r.outcome, r.journal_id, r.created_at]),
    );
  }
}

async function insertOutbox(trx: Knex.Transaction, rows: JournalRows['outbox']): Promise<number> {
  let inserted = 0;
  for (const part of chunks(rows)) {
    // event_id is unique: re-projecting an entry cannot queue its events twice.
    const [result] = await trx.raw(
      `INSERT IGNORE INTO inventory_outbox (event_id, topic, message_key, payload, journal_id, created_at)
       VALUES ${placeholders(6, part.length)}`,
      part.flatMap((r) => [r.event_id, r.topic, r.message_key, r.payload, r.journal_id, r.created_at]),
    );
    inserted += (result as { affectedRows: number }).affectedRows;
  }
  return inserted;
}

/**
 * The low-stock thresholds of these SKUs (`inventory_sku_threshold`, set over the admin API). Read
 * in the batch's transaction, so the threshold applied is the one in force when the entry is
 * drained: normally milliseconds after the command ran.
 */
async function readThresholds(trx: Knex.Transaction, skuIds: string[]): Promise<LowStockThresholds> {
  const thresholds = new Map<string, number>();
  for (const part of chunks(skuIds)) {
    const rows: Array<{ sku_id: string; threshold: number }> = await trx('inventory_sku_threshold')
      .select('sku_id', 'threshold')
      .whereIn('sku_id', part);
    for (const r of rows) thresholds.set(r.sku_id, r.threshold);
  }
  return thresholds;
}

/**
 * Turns one batch of journal entries into rows and writes them in one READ COMMITTED transaction
 * (two relays' SKIP LOCKED reads do not block each other at that level; see design notes). Returns
 * how many outbox rows are new. Event ids do not depend on the thresholds, so a re-drained entry
 * whose threshold changed in between cannot queue a second `stock.low` (INSERT IGNORE by id).
 */
export async function storeJournalBatch(
  knex: Knex,
  messages: JournalMessage[],
  settings: OutboundSettings,
): Promise<number> {
  return knex.transaction(
    async (trx) => {
      const rows = toJournalRows(messages, settings, await readThresholds(trx, changedSkuIds(messages)));
      await insertLedger(trx, rows.ledger);
      await upsertSnapshots(trx, rows.snapshots);
      await upsertReservations(trx, rows.reservations);
      await insertProcessed(trx, rows.processed);
      await insertHttpIdempotency(trx, rows.httpIdempotency);
      return insertOutbox(trx, rows.outbox);
    },
    { isolationLevel: 'read committed' },
  );
}
