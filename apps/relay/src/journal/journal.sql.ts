import type { JournalRows } from './journal.rows.js';

/**
 * The statements one batch of journal rows becomes, as SQL text and bindings, so the store can
 * send them all at once on one connection (journal.store.ts). Every statement is idempotent:
 * applying a batch twice changes nothing.
 */
export interface Statement {
  sql: string;
  bindings: unknown[];
}

/** Rows per statement: keeps each statement's text a few hundred KB at most. */
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

function ledger(rows: JournalRows['ledger']): Statement[] {
  // (journal_id, sku_id, location_id) is unique: a re-applied entry is ignored.
  return chunks(rows).map((part) => ({
    sql: `INSERT IGNORE INTO inventory_ledger (journal_id, sku_id, location_id, delta_total, delta_reserved,
        total_after, reserved_after, version, action, reason, order_id, causation_id, correlation_id, actor,
        created_at)
       VALUES ${placeholders(15, part.length)}`,
    bindings: part.flatMap((r) => [
      r.journal_id,
      r.sku_id,
      r.location_id,
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
  }));
}

/**
 * A state row per key, where only a newer version wins: each guarded column takes the new value
 * only when the row's version grows, and `version` is assigned last because MariaDB evaluates the
 * assignments left to right and the conditions must see the old version.
 */
function newerVersionWins<R extends { version: number }>(
  table: string,
  keys: readonly (keyof R & string)[],
  guarded: readonly (keyof R & string)[],
  rows: R[],
): Statement[] {
  const columns = [...keys, ...guarded, 'version' as const];
  const updates = guarded.map((c) => `${c} = IF(VALUES(version) > version, VALUES(${c}), ${c})`);
  updates.push('version = GREATEST(version, VALUES(version))');
  return chunks(rows).map((part) => ({
    sql: `INSERT INTO ${table} (${columns.join(', ')})
       VALUES ${placeholders(columns.length, part.length)}
       ON DUPLICATE KEY UPDATE ${updates.join(', ')}`,
    bindings: part.flatMap((r) => columns.map((c) => r[c])),
  }));
}

function snapshots(rows: JournalRows['snapshots']): Statement[] {
  const guarded = ['total', 'reserved', 'last_journal_id', 'updated_at'] as const;
  return newerVersionWins('inventory_snapshot', ['sku_id'], guarded, rows);
}

/** Per (SKU, location), as the snapshot: only a newer SKU version wins. */
function stockLocations(rows: JournalRows['locations']): Statement[] {
  const guarded = [
    'total',
    'reserved',
    'safety_stock',
    'backorder_limit',
    'last_journal_id',
    'updated_at',
  ] as const;
  return newerVersionWins('inventory_stock_location', ['sku_id', 'location_id'], guarded, rows);
}

/** Status placeholder for "the entry does not change the status"; replaced by NONE on new rows. */
const KEEP = 'KEEP';

function reservations(rows: JournalRows['reservations']): Statement[] {
  if (rows.length === 0) return [];
  // Rows of one order apply in journal order; an older entry than the row's last one changes
  // nothing. last_journal_id is assigned last so every condition sees the old value.
  const upserts = chunks(rows).map((part) => ({
    sql: `INSERT INTO inventory_reservation (order_id, order_id_type, status, items, expires_at, outcomes,
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
    bindings: part.flatMap((r) => [
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
  }));
  return [
    ...upserts,
    { sql: `UPDATE inventory_reservation SET status = 'NONE' WHERE status = '${KEEP}'`, bindings: [] },
  ];
}

function processed(rows: JournalRows['processed']): Statement[] {
  return chunks(rows).map((part) => ({
    sql: `INSERT IGNORE INTO inventory_event_idempotency (event_id, action, journal_id, created_at)
       VALUES ${placeholders(4, part.length)}`,
    bindings: part.flatMap((r) => [r.event_id, r.action, r.journal_id, r.created_at]),
  }));
}

function httpIdempotency(rows: JournalRows['httpIdempotency']): Statement[] {
  // The first outcome per key wins, as in Redis: a replay appends no entry, so a second row for
  // a key can only come from an entry re-applied after a crash (the same outcome).
  return chunks(rows).map((part) => ({
    sql: `INSERT IGNORE INTO inventory_http_idempotency (idempotency_key, outcome, journal_id, created_at)
       VALUES ${placeholders(4, part.length)}`,
    bindings: part.flatMap((r) => [r.idempotency_key, r.outcome, r.journal_id, r.created_at]),
  }));
}

/**
 * event_id is unique: re-projecting an entry cannot queue its events twice. RETURNING lists only
 * the rows this statement inserted (MariaDB leaves ignored rows out), which is exactly what is
 * new to publish.
 */
export function outboxStatements(rows: JournalRows['outbox']): Statement[] {
  return chunks(rows).map((part) => ({
    sql: `INSERT IGNORE INTO inventory_outbox (event_id, topic, message_key, payload, journal_id, shard, created_at)
       VALUES ${placeholders(7, part.length)}
       RETURNING id, topic, message_key, payload`,
    bindings: part.flatMap((r) => [
      r.event_id,
      r.topic,
      r.message_key,
      r.payload,
      r.journal_id,
      r.shard,
      r.created_at,
    ]),
  }));
}

/** Every statement of a batch except the outbox insert, in the order they must run. */
export function recordStatements(rows: JournalRows): Statement[] {
  return [
    ...ledger(rows.ledger),
    ...snapshots(rows.snapshots),
    ...stockLocations(rows.locations),
    ...reservations(rows.reservations),
    ...processed(rows.processed),
    ...httpIdempotency(rows.httpIdempotency),
  ];
}

/** The low-stock thresholds of these SKUs, set over the admin API (`inventory_sku_threshold`). */
export function thresholdStatements(skuIds: string[]): Statement[] {
  return chunks(skuIds).map((part) => ({
    sql: `SELECT sku_id, threshold FROM inventory_sku_threshold WHERE sku_id IN (${placeholders(1, part.length, '?')})`,
    bindings: part,
  }));
}
