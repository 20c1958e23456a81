import type { LocationStock, StockApiClient, StockByLocation } from './csv.client.js';
import { LOCATION_CONCURRENCY, mapPool } from './csv.pool.js';
import type { Progress } from './csv.progress.js';
import { showLocation } from './csv.report.js';
import type { LocationRow } from './csv.rows.js';

/**
 * --dry-run for the rows that name a location: reads the active locations and each SKU's stock per
 * location, and prints what each row would change (`A @ berlin: total 5 → 7`) without changing
 * anything. The outcome mirrors the set script's rules (docs/locations.md), but stock can move
 * between this preview and a real import.
 */

export interface LocationPreview {
  changed: number;
  /** SKUs the rows would create. */
  created: number;
  unchanged: number;
  failing: number;
}

const FIGURES = ['total', 'safetyStock', 'backorderLimit'] as const;
const maxTotal = 1_000_000_000_000;

const nothing = (locationId: string): LocationStock => ({
  locationId,
  total: 0,
  reserved: 0,
  safetyStock: 0,
  backorderLimit: 0,
  available: 0,
});

/** Why the row would be refused, if it would. */
function failure(row: LocationRow, sku: StockByLocation | undefined, before: LocationStock): string | null {
  const total = row.total ?? before.total;
  const backorderLimit = row.backorderLimit ?? before.backorderLimit;
  if (before.reserved - total > backorderLimit) {
    return `BELOW_RESERVED (reserved ${before.reserved}, backorderLimit ${backorderLimit})`;
  }
  if ((sku?.total ?? 0) - before.total + total > maxTotal) return 'TOTAL_LIMIT';
  return null;
}

/** The figures the row changes, as `name before → after` (for a new SKU: `name value`). */
function changes(row: LocationRow, before: LocationStock, exists: boolean): string[] {
  return FIGURES.flatMap((name) => {
    const after = row[name];
    if (after === undefined || (exists && after === before[name])) return [];
    return [exists ? `${name} ${before[name]} → ${after}` : `${name} ${after}`];
  });
}

async function readSkus(client: StockApiClient, skuIds: string[]): Promise<Map<string, StockByLocation>> {
  const answers = await mapPool(skuIds, LOCATION_CONCURRENCY, async (skuId) => {
    const answer = await client.readLocations(skuId);
    if (!answer.ok && answer.status !== 404) {
      throw new Error(`reading ${skuId}'s locations: ${answer.error.code} ${answer.error.message}`);
    }
    return answer.ok ? answer.data : undefined;
  });
  return new Map(answers.flatMap((sku, i) => (sku ? [[skuIds[i] as string, sku] as const] : [])));
}

export async function previewLocationRows(
  rows: LocationRow[],
  client: StockApiClient,
  out: (line: string) => void,
  progress: Progress,
): Promise<LocationPreview> {
  const outcome: LocationPreview = { changed: 0, created: 0, unchanged: 0, failing: 0 };
  if (rows.length === 0) return outcome;
  const list = await client.listLocations();
  if (!list.ok) throw new Error(`listing locations: ${list.error.code} ${list.error.message}`);
  const active = new Set(list.data.items.filter((l) => l.active).map((l) => l.locationId));
  const skus = await readSkus(client, [...new Set(rows.map((r) => r.skuId))]);
  const creating = new Set<string>();
  for (const row of rows) {
    const sku = skus.get(row.skuId);
    const before = sku?.locations.find((l) => l.locationId === row.locationId) ?? nothing(row.locationId);
    const name = showLocation(row.skuId, row.locationId);
    const fails = active.has(row.locationId) ? failure(row, sku, before) : 'LOCATION_NOT_FOUND';
    const changed = changes(row, before, sku !== undefined);
    progress.advance(1);
    if (fails !== null) {
      outcome.failing += 1;
      out(`line ${row.line}: ${name}: ${changed.join(', ') || 'no change'} would fail: ${fails}`);
    } else if (sku && changed.length === 0) outcome.unchanged += 1;
    else {
      outcome.changed += 1;
      if (!sku && !creating.has(row.skuId)) {
        creating.add(row.skuId);
        outcome.created += 1;
      }
      out(`${name}: ${sku ? '' : 'absent → '}${changed.join(', ')}`);
    }
  }
  return outcome;
}
