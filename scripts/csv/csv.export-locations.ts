import type { ListedSku, LocationStock, StockByLocation, StockLevel } from './csv.client.js';

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
 * The export rows of a page's fresh SKUs. The listing carries each SKU's stock per location
 * (`locations=true`), so nothing more is read; a SKU listed without it (an older API) is written
 * as one row, as before locations.
 */
export function pageRows(skus: ListedSku[]): { rows: ExportRow[]; located: number } {
  const perSku = skus.map(
    (s) => (s.locations ? locationRowsOf({ ...s, locations: s.locations }) : null) ?? [skuRow(s)],
  );
  const located = perSku.filter((rows) => rows[0]?.[5] !== '').length;
  return { rows: perSku.flat(), located };
}
