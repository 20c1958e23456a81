import type { JournalEntry, ReservationStatus } from '@inventory/core';
import { changedSkus, recordItemsJson, StockCode } from '@inventory/core';
import { type LowStockThresholds, type OutboundSettings, outboundEvents } from '../outbox/outbound.events.js';
import { collectLocationRows, movementsOf, type StockLocationRow } from './journal.locations.js';

/** One journal stream entry as read: its stream id, the raw JSON and the parsed entry. */
export interface JournalMessage {
  id: string;
  raw: string;
  entry: JournalEntry;
}

/**
 * Stream ids compared as text sort wrong ('9-0' > '10-0'): this fixed-width form sorts like the
 * ids themselves, so a row can keep only the newest entry's effect.
 */
export function sortableJournalId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms.padStart(15, '0')}-${seq.padStart(10, '0')}`;
}

export interface LedgerRow {
  journal_id: string;
  sku_id: string;
  location_id: string;
  delta_total: number;
  delta_reserved: number;
  total_after: number;
  reserved_after: number;
  version: number;
  action: string;
  reason: string | null;
  order_id: string | null;
  causation_id: string;
  correlation_id: string;
  actor: string;
  created_at: Date;
}

export interface SnapshotRow {
  sku_id: string;
  total: number;
  reserved: number;
  version: number;
  last_journal_id: string;
  updated_at: Date;
}

export interface ReservationRow {
  order_id: string;
  order_id_type: string;
  /** null: the entry leaves the status as it was (a replayed or tombstoned order). */
  status: ReservationStatus | 'PENDING' | null;
  items: string;
  expires_at: Date | null;
  action: string;
  outcome: string;
  last_journal_id: string;
  updated_at: Date;
}

export interface OutboxRow {
  event_id: string;
  topic: string;
  message_key: string;
  payload: string;
  journal_id: string;
  /** The shard whose journal holds the entry: each relay publishes its own shards' rows. */
  shard: number;
  /** When the relay stored the row (not when the command ran: that is the journal id's time). */
  created_at: Date;
}

export interface IdempotencyRow {
  event_id: string;
  action: string;
  journal_id: string;
  created_at: Date;
}

/** The first outcome of an HTTP write made with an Idempotency-Key, restored into Redis after a loss. */
export interface HttpIdempotencyRow {
  idempotency_key: string;
  outcome: string;
  journal_id: string;
  created_at: Date;
}

export interface JournalRows {
  ledger: LedgerRow[];
  snapshots: SnapshotRow[];
  locations: StockLocationRow[];
  reservations: ReservationRow[];
  outbox: OutboxRow[];
  processed: IdempotencyRow[];
  httpIdempotency: HttpIdempotencyRow[];
}

/** The reservation status Redis holds after an order entry (see docs/stock-model.md). */
function statusAfter(entry: JournalEntry): ReservationStatus | null {
  const ok = entry.code === StockCode.OK;
  switch (entry.action) {
    case 'reserve':
      return ok ? 'RESERVED' : entry.code === StockCode.INVALID_ORDER ? null : 'FAILED';
    case 'confirm':
      if (ok) return 'CONFIRMED';
      return entry.code === StockCode.RESERVATION_EXPIRED && changedSkus(entry).length > 0 ? 'EXPIRED' : null;
    case 'release':
      return ok ? 'RELEASED' : null; // an unknown order keeps its NONE tombstone
    case 'expire':
      return ok ? 'EXPIRED' : null;
    default:
      return null;
  }
}

/** The SKU ids a batch changes: the ones whose low-stock thresholds the outbox rows depend on. */
export function changedSkuIds(messages: JournalMessage[]): string[] {
  return [...new Set(messages.flatMap(({ entry }) => changedSkus(entry).map((s) => s.skuId)))];
}

/**
 * Which journal the entries come from. Two shards' streams can hand out the same stream id, and
 * the ledger is unique on (journal_id, sku_id): with several shards every stored id is qualified
 * as `s<shard>:<stream id>` (docs/sharding.md); with one shard ids stay as they are.
 */
export interface JournalSource {
  shard: number;
  qualified: boolean;
}

const UNSHARDED: JournalSource = { shard: 0, qualified: false };

/**
 * Every MariaDB row one batch of journal entries turns into; keyed so applying twice changes nothing.
 * `thresholds` holds the low-stock thresholds of the batch's SKUs (absent: no `stock.low`).
 */
export function toJournalRows(
  messages: JournalMessage[],
  settings: OutboundSettings,
  thresholds: LowStockThresholds = new Map(),
  source: JournalSource = UNSHARDED,
): JournalRows {
  const rows: JournalRows = {
    ledger: [],
    snapshots: [],
    locations: [],
    reservations: [],
    outbox: [],
    processed: [],
    httpIdempotency: [],
  };
  const latestSnapshot = new Map<string, SnapshotRow>();
  const latestLocation = new Map<string, StockLocationRow>();
  const storedAt = new Date();
  // Stored ids name their shard first (unique); sortable ones last, so they order by time across
  // shards: an order's row can get entries from two shards (a cancel that raced its placed
  // leaves a tombstone at home and the reservation elsewhere), and the later entry must win.
  const prefix = source.qualified ? `s${source.shard}:` : '';
  const suffix = source.qualified ? `:s${source.shard}` : '';
  for (const { id: streamId, raw, entry } of messages) {
    const at = new Date(entry.at);
    const id = prefix + streamId;
    const sortable = sortableJournalId(streamId) + suffix;
    for (const s of changedSkus(entry)) {
      for (const m of movementsOf(s)) {
        rows.ledger.push({
          journal_id: id,
          sku_id: s.skuId,
          location_id: m.locationId,
          delta_total: m.dTotal,
          delta_reserved: m.dReserved,
          total_after: m.total,
          reserved_after: m.reserved,
          version: s.version,
          action: entry.action,
          reason: entry.reason ?? null,
          order_id: entry.orderId ?? null,
          causation_id: entry.causationId,
          correlation_id: entry.correlationId,
          actor: entry.actor,
          created_at: at,
        });
      }
      collectLocationRows(latestLocation, s, sortable, at);
      const prev = latestSnapshot.get(s.skuId);
      if (!prev || prev.version < s.version) {
        latestSnapshot.set(s.skuId, {
          sku_id: s.skuId,
          total: s.total,
          reserved: s.reserved,
          version: s.version,
          last_journal_id: sortable,
          updated_at: at,
        });
      }
    }
    // A part's items are a share of its order's: the order's row comes from its coordinator. An
    // opening is a PENDING row, stored under `begin` so it is never taken for the reserve outcome.
    const opening = entry.stage === 'begin';
    if (entry.orderId !== undefined && !entry.part) {
      rows.reservations.push({
        order_id: entry.orderId,
        order_id_type: entry.orderIdType ?? 'string',
        status: opening ? 'PENDING' : statusAfter(entry),
        items: recordItemsJson(entry.items),
        // A reserve sets the deadline, an extend moves it; nothing else touches it.
        expires_at:
          (entry.action === 'reserve' || entry.action === 'extend') && entry.expiresAt
            ? new Date(entry.expiresAt)
            : null,
        action: opening ? 'begin' : entry.action,
        outcome: raw,
        last_journal_id: sortable,
        updated_at: at,
      });
    }
    if (entry.idempotencyKey !== undefined) {
      rows.httpIdempotency.push({
        idempotency_key: entry.idempotencyKey,
        outcome: raw,
        journal_id: id,
        created_at: at,
      });
    }
    // The event counts as processed once its order is answered: not by an opening or a part.
    if (!opening && !entry.part)
      rows.processed.push({
        event_id: entry.causationId,
        action: entry.action,
        journal_id: id,
        created_at: at,
      });
    for (const e of outboundEvents(entry, settings, thresholds)) {
      rows.outbox.push({
        event_id: e.eventId,
        topic: e.topic,
        message_key: e.key,
        payload: e.payload,
        journal_id: id,
        shard: source.shard,
        created_at: storedAt,
      });
    }
  }
  rows.snapshots = [...latestSnapshot.values()];
  rows.locations = [...latestLocation.values()];
  return rows;
}
