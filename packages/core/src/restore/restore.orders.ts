import type { Knex } from 'knex';
import type { ReservationRecord } from '../reconcile/reservation.compare.js';
import { PENDING_ORDER_MS } from '../stock/cross-shard/cross-shard.orders.js';
import { parseOrderItems, recordItemsJson } from '../stock/stock.journal.js';
import type { ShardLayout } from '../stock/stock.shards.js';
import type { OrderItem } from '../stock/stock.types.js';

/**
 * Where an order's records live (docs/sharding.md, "Orders"), so that a restore of one shard
 * writes exactly the records the scripts would find there.
 */

/** The columns a reservation record is rebuilt from (reconcile passes rows without the journal id). */
export type RestorableReservation = Omit<ReservationRecord, 'last_journal_id'>;

const ACTIONS = ['reserve', 'confirm', 'release', 'expire'] as const;

/** The reservation hash fields a script would have written: status, items, deadline, outcomes. */
export function reservationFields(row: RestorableReservation): Record<string, string> {
  const fields: Record<string, string> = {
    status: row.status,
    items: row.items,
    orderIdType: row.order_id_type,
  };
  if (row.expires_at) fields.expiresAt = String(row.expires_at.getTime());
  // Each stored outcome is the journal entry's JSON text, kept verbatim for replays.
  const outcomes = JSON.parse(row.outcomes || '{}') as Record<string, string>;
  for (const action of ACTIONS) {
    const outcome = outcomes[action];
    if (typeof outcome === 'string') fields[action] = outcome;
  }
  // A PENDING order has only its opening (`begin`), which is never a reserve outcome.
  const first = fields.reserve ?? outcomes.begin;
  if (typeof first === 'string') {
    const correlationId = (JSON.parse(first) as { correlationId?: unknown }).correlationId;
    if (typeof correlationId === 'string') fields.correlationId = correlationId;
  }
  return fields;
}

/**
 * Narrows a query on `sku_id` to one shard's SKUs, in MariaDB: its CRC32() is the same CRC-32 of
 * the same UTF-8 bytes as the layout's, so a shard's restore or reconcile reads its own rows only.
 */
export function onlyShardSkus(
  query: Knex.QueryBuilder,
  layout: ShardLayout | undefined,
  shard: number,
): void {
  if (layout && layout.count > 1) query.whereRaw('CRC32(sku_id) % ? = ?', [layout.count, shard]);
}

/** An order's items grouped by shard, shards ascending (the coordinator's `parts`). */
export function itemsByShard(layout: ShardLayout, items: readonly OrderItem[]): Map<number, OrderItem[]> {
  const byShard = new Map<number, OrderItem[]>();
  for (const item of items) {
    const shard = layout.shardOfSku(item.skuId);
    byShard.set(shard, [...(byShard.get(shard) ?? []), item]);
  }
  return new Map([...byShard].sort(([a], [b]) => a - b));
}

/** What one shard holds of one order. */
export interface OrderPlacement {
  /** The order's record on this shard: a plain record, a coordinator, or none. */
  record: 'plain' | 'coordinator' | null;
  /** This shard's items when the order is cross-shard and has items here (a part, if still held). */
  partItems: OrderItem[] | null;
}

/**
 * A single-shard order's record lives on its items' shard; a tombstone (`NONE`), which a confirm
 * or release of an unknown order writes, on the order's home shard; a cross-shard order (items
 * on two shards or more, or still `PENDING`) has its coordinator on the home shard and a part on
 * each of its items' shards.
 */
export function placeOrder(layout: ShardLayout, row: RestorableReservation, shard: number): OrderPlacement {
  if (layout.count === 1) return { record: 'plain', partItems: null };
  const home = layout.homeShardOf(row.order_id);
  const byShard = itemsByShard(layout, parseOrderItems(row.items));
  const crossShard = byShard.size >= 2 || row.status === 'PENDING';
  if (!crossShard) {
    const recordShard = row.status === 'NONE' ? home : ([...byShard.keys()][0] ?? home);
    return { record: recordShard === shard ? 'plain' : null, partItems: null };
  }
  return { record: home === shard ? 'coordinator' : null, partItems: byShard.get(shard) ?? null };
}

/**
 * A coordinator's fields: the record's, plus what begin-order wrote (kind, parts) and, for a
 * PENDING order, a fresh recovery deadline: its caller may be gone, so the sweep fails it unless
 * the caller (a redelivered event, a retried request) finishes it first.
 */
export function coordinatorFields(
  layout: ShardLayout,
  row: RestorableReservation,
  now: number,
): Record<string, string> {
  const fields = reservationFields(row);
  fields.kind = 'coordinator';
  fields.parts = JSON.stringify([...itemsByShard(layout, parseOrderItems(row.items)).keys()]);
  if (row.status === 'PENDING') fields.recoverAt = String(now + PENDING_ORDER_MS);
  return fields;
}

/** A held part's fields, as reserve-part wrote them. */
export function partFields(row: RestorableReservation, items: readonly OrderItem[]): Record<string, string> {
  const fields: Record<string, string> = {
    kind: 'part',
    status: 'RESERVED',
    items: recordItemsJson(items),
    orderIdType: row.order_id_type,
  };
  const correlationId = reservationFields(row).correlationId;
  if (correlationId !== undefined) fields.correlationId = correlationId;
  return fields;
}
