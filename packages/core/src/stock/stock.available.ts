/**
 * A SKU's available: total − reserved − its safety stock over all locations (docs/locations.md).
 * One function, so the API, the events and the thresholds compute it the same way; a SKU without
 * safety stock reads as before locations existed.
 */
export function availableOf(sku: { total: number; reserved: number; safety?: number | undefined }): number {
  return sku.total - sku.reserved - (sku.safety ?? 0);
}

/** A location's available: total − reserved − safety stock; below 0 only by a backorder (docs/locations.md). */
export function availableAtLocation(l: { total: number; reserved: number; safetyStock: number }): number {
  return l.total - l.reserved - l.safetyStock;
}
