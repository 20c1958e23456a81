import { DEFAULT_LOCATION, type JournalSku, type StockLocationRecord } from '@inventory/core';

/**
 * Stock per location in the durable record (docs/locations.md): the ledger rows of one SKU's
 * change, one per location it moved, and the per-location state rows. A SKU record without
 * `locations` changed only `default` of a SKU that has no other location, so its SKU figures are
 * that location's.
 */

/** One location's share of a SKU change: what a ledger row records. */
export interface LocationMovement {
  locationId: string;
  dTotal: number;
  dReserved: number;
  total: number;
  reserved: number;
}

export function movementsOf(s: JournalSku): LocationMovement[] {
  if (!s.locations) {
    return [
      {
        locationId: DEFAULT_LOCATION,
        dTotal: s.dTotal,
        dReserved: s.dReserved,
        total: s.total,
        reserved: s.reserved,
      },
    ];
  }
  return s.locations;
}

/**
 * inventory_stock_location: a location's state after the newest entry that changed it. The
 * default location's total and reserved stay NULL (they are the SKU's minus the others', as in
 * Redis); its row only keeps its settings.
 */
export interface StockLocationRow extends StockLocationRecord {
  version: number;
  last_journal_id: string;
  updated_at: Date;
}

/** Keeps, per (SKU, location), the row of the newest version seen in the batch. */
export function collectLocationRows(
  latest: Map<string, StockLocationRow>,
  s: JournalSku,
  sortableId: string,
  at: Date,
): void {
  for (const l of s.locations ?? []) {
    const key = `${s.skuId}\u0000${l.locationId}`;
    const prev = latest.get(key);
    if (prev && prev.version >= s.version) continue;
    const home = l.locationId === DEFAULT_LOCATION;
    latest.set(key, {
      sku_id: s.skuId,
      location_id: l.locationId,
      total: home ? null : l.total,
      reserved: home ? null : l.reserved,
      safety_stock: l.safetyStock,
      backorder_limit: l.backorderLimit,
      version: s.version,
      last_journal_id: sortableId,
      updated_at: at,
    });
  }
}
