import type { Knex } from '@inventory/core';
import type { LedgerRow } from '../schemas/inventory.schema.js';

/**
 * Reads the stock movement ledger (`inventory_ledger`, written by the relay from the Redis journal)
 * newest first, with keyset pagination on the row id: WHERE sku_id = ? AND id < :cursor ORDER BY
 * id DESC, served by the (sku_id, id) index whatever the page.
 */

interface LedgerRecord {
  id: number;
  sku_id: string;
  location_id: string;
  action: string;
  delta_total: number;
  delta_reserved: number;
  total_after: number;
  reserved_after: number;
  version: number;
  reason: string | null;
  order_id: string | null;
  causation_id: string | null;
  correlation_id: string | null;
  actor: string;
  created_at: Date;
}

export interface LedgerPage {
  rows: LedgerRow[];
  /** Id of the last row when more rows follow, else null. */
  lastId: number | null;
}

export interface LedgerRepository {
  page(skuId: string, options: { limit: number; beforeId?: number }): Promise<LedgerPage>;
}

function toRow(r: LedgerRecord): LedgerRow {
  return {
    id: r.id,
    skuId: r.sku_id,
    locationId: r.location_id,
    action: r.action,
    deltaTotal: r.delta_total,
    deltaReserved: r.delta_reserved,
    totalAfter: r.total_after,
    reservedAfter: r.reserved_after,
    availableAfter: r.total_after - r.reserved_after,
    version: r.version,
    reason: r.reason,
    orderId: r.order_id,
    causationId: r.causation_id,
    correlationId: r.correlation_id,
    actor: r.actor,
    createdAt: r.created_at.toISOString(),
  };
}

export function createLedgerRepository(deps: { knex: Knex }): LedgerRepository {
  return {
    async page(skuId, { limit, beforeId }) {
      const query = deps.knex<LedgerRecord>('inventory_ledger').where('sku_id', skuId);
      if (beforeId !== undefined) query.andWhere('id', '<', beforeId);
      // One row more than asked tells whether another page follows.
      const records = await query.orderBy('id', 'desc').limit(limit + 1);
      const rows = records.slice(0, limit).map(toRow);
      const last = rows.at(-1);
      return { rows, lastId: records.length > limit && last ? last.id : null };
    },
  };
}
