import type { LocationStock, StockApiClient, StockByLocation, StockLevel } from './csv.client.js';
import { LOCATION_CONCURRENCY, mapPool } from './csv.pool.js';

/**
 * What `stock:export` writes for a SKU once stock per location exists (docs/locations.md): one row
 * per location that holds anything or has a setting (`default` always, as it holds the rest), with
 * the location's total, reserved and available, the SKU's version, the location id, its safety
 * stock and backorder limit. A SKU that never left `default` and has no setting keeps today's one
 * row. Summing `total` over a file's rows still gives the stock on hand.
 */

export type ExportRow = (string | number)[];

export const NARROW_HEADER = ['skuId', 'total', 'reserved', 'available', 'version'];
export const WIDE_HEADER = [...NARROW_HEADER, 'locationId', 'safetyStock', 'backorderLimit'];

/** Today's row of a SKU, padded to the wide header (the padding is cut again for a narrow file). */
export const skuRow = (s: StockLevel): ExportRow => [
  s.skuId,
  s.total,
  s.reserved,
  s.available,
  s.version,
  '',
  '',
  '',
];

function holdsSomething(l: LocationStock): boolean {
  const settings = l.safetyStock !== 0 || l.backorderLimit !== 0;
  return l.locationId === 'default' ? settings : settings || l.total !== 0 || l.reserved !== 0;
}

/** The SKU's rows per location, or null when it has nothing but `default` without settings. */
export function locationRowsOf(sku: StockByLocation): ExportRow[] | null {
  if (!sku.locations.some(holdsSomething)) return null;
  return sku.locations
    .filter((l) => l.locationId === 'default' || holdsSomething(l))
    .map((l) => [
      sku.skuId,
      l.total,
      l.reserved,
      l.available,
      sku.version,
      l.locationId,
      l.safetyStock,
      l.backorderLimit,
    ]);
}

/**
 * Which SKUs of a page to read per location. The listing has SKU sums only, so this cannot be
 * seen from it once a location other than `default` exists (every SKU is read, one call each);
 * before that only `default`'s settings can exist, and its safety stock shows as
 * available ≠ total − reserved. A backorder limit at `default` alone does not show: such a SKU
 * is exported as one row (the API has no bulk read per location to find it).
 */
export function needsLocationRead(s: StockLevel, otherLocations: boolean): boolean {
  return otherLocations || s.available !== s.total - s.reserved;
}

/** Whether the deployment has a location other than `default` (active or not: a deactivated one may keep settings). */
export async function hasOtherLocations(client: StockApiClient): Promise<boolean> {
  const answer = await client.listLocations();
  if (!answer.ok) throw new Error(`listing locations: ${answer.error.code} ${answer.error.message}`);
  return answer.data.items.some((l) => l.locationId !== 'default');
}

/** The export rows of a page's fresh SKUs, reading those that may have stock per location. */
export async function pageRows(
  client: StockApiClient,
  skus: StockLevel[],
  otherLocations: boolean,
): Promise<{ rows: ExportRow[]; located: number }> {
  const perSku = await mapPool(skus, LOCATION_CONCURRENCY, async (s) => {
    if (!needsLocationRead(s, otherLocations)) return [skuRow(s)];
    const answer = await client.readLocations(s.skuId);
    // 404: the SKU was deleted since the listing; it is written as listed, as before locations.
    if (!answer.ok && answer.status === 404) return [skuRow(s)];
    if (!answer.ok) {
      throw new Error(`reading ${s.skuId}'s locations: ${answer.error.code} ${answer.error.message}`);
    }
    return locationRowsOf(answer.data) ?? [skuRow(s)];
  });
  const located = perSku.filter((rows) => rows[0]?.[5] !== '').length;
  return { rows: perSku.flat(), located };
}
