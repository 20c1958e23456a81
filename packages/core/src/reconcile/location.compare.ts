import { locationHashFields, locationsOfHash } from '../stock/stock.locations.js';
import { DEFAULT_LOCATION } from '../stock/stock.types.js';

/**
 * Stock per location as reconcile compares it (docs/locations.md): a SKU hash's `t:`/`r:`/`ss:`/
 * `bo:` fields against its inventory_stock_location rows. The `default` location's total and
 * reserved are derived on both sides (the SKU's minus the other locations'), so the SKU comparison
 * already covers them; only its settings are compared here. A location absent on one side holds
 * zeros there, as the scripts and the restore read it.
 */

/** One location's figures; null total/reserved: `default`, whose counts are derived. */
export interface LocationFigures {
  total: number | null;
  reserved: number | null;
  safetyStock: number;
  backorderLimit: number;
}

export interface LocationDiff {
  locationId: string;
  redis: LocationFigures;
  mariadb: LocationFigures;
}

/** A row of inventory_stock_location as reconcile and the restore read it. */
export interface StockLocationRecord {
  sku_id: string;
  location_id: string;
  total: number | null;
  reserved: number | null;
  safety_stock: number;
  backorder_limit: number;
}

export const STOCK_LOCATION_COLUMNS = [
  'sku_id',
  'location_id',
  'total',
  'reserved',
  'safety_stock',
  'backorder_limit',
] as const;

/** A SKU's locations, by id, with everything that is compared. */
export type LocationMap = Map<string, LocationFigures>;

const isDefault = (locationId: string) => locationId === DEFAULT_LOCATION;

function zeros(locationId: string): LocationFigures {
  const counted = isDefault(locationId) ? null : 0;
  return { total: counted, reserved: counted, safetyStock: 0, backorderLimit: 0 };
}

/** The locations a SKU hash holds (none for an absent SKU). */
export function redisLocations(hash: Record<string, string>): LocationMap {
  return new Map(
    locationsOfHash(hash).map((l) => {
      const counted = !isDefault(l.locationId);
      return [
        l.locationId,
        {
          total: counted ? l.total : null,
          reserved: counted ? l.reserved : null,
          safetyStock: l.safetyStock,
          backorderLimit: l.backorderLimit,
        },
      ];
    }),
  );
}

/** The locations MariaDB holds for one SKU. */
export function mariadbLocations(rows: readonly StockLocationRecord[]): LocationMap {
  return new Map(
    rows.map((r) => {
      const counted = !isDefault(r.location_id);
      return [
        r.location_id,
        {
          // A non-default row always has counts (the relay writes them); NULL would be a broken row.
          total: counted ? Number(r.total ?? Number.NaN) : null,
          reserved: counted ? Number(r.reserved ?? Number.NaN) : null,
          safetyStock: Number(r.safety_stock),
          backorderLimit: Number(r.backorder_limit),
        },
      ];
    }),
  );
}

// A non-numeric field reads as NaN, which equals nothing: it is reported as drift.
const sameFigures = (a: LocationFigures, b: LocationFigures) =>
  a.total === b.total &&
  a.reserved === b.reserved &&
  a.safetyStock === b.safetyStock &&
  a.backorderLimit === b.backorderLimit;

/** The locations whose figures differ, sorted by id; empty when the two sides agree. */
export function locationDiffs(redis: LocationMap, mariadb: LocationMap): LocationDiff[] {
  const ids = [...new Set([...redis.keys(), ...mariadb.keys()])].sort();
  return ids.flatMap((locationId) => {
    const r = redis.get(locationId) ?? zeros(locationId);
    const m = mariadb.get(locationId) ?? zeros(locationId);
    return sameFigures(r, m) ? [] : [{ locationId, redis: r, mariadb: m }];
  });
}

/** The SKU's `safety` field (the sum the scripts keep of its safety stock); absent = 0. */
export function redisSafety(hash: Record<string, string>): number {
  return hash.safety === undefined ? 0 : Number(hash.safety);
}

/** What the `safety` field must hold for MariaDB's rows. */
export function mariadbSafety(mariadb: LocationMap): number {
  let sum = 0;
  for (const l of mariadb.values()) sum += l.safetyStock;
  return sum;
}

/** Whether a hash field belongs to the location layout (what a location repair rewrites). */
export function isLocationField(name: string): boolean {
  return name === 'safety' || /^(t|r|ss|bo):./.test(name);
}

/** The location fields of a hash as `[name, value]` pairs, sorted: comparable between two reads. */
export function locationFieldsOf(hash: Record<string, string>): string {
  const pairs = Object.entries(hash)
    .filter(([name]) => isLocationField(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(pairs);
}

/**
 * The hash fields that hold MariaDB's locations, as restore.locations.ts writes them: settings for
 * every row, counts for the non-default ones, and `safety` when it is not 0.
 */
export function locationFieldsFor(mariadb: LocationMap): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [id, l] of mariadb)
    Object.assign(fields, locationHashFields(id, { ...l, total: l.total ?? 0, reserved: l.reserved ?? 0 }));
  const safety = mariadbSafety(mariadb);
  if (safety !== 0) fields.safety = safety;
  return fields;
}

const figures = (f: LocationFigures) =>
  `${f.total === null ? '' : `total ${f.total} reserved ${f.reserved} `}safetyStock ${f.safetyStock} backorderLimit ${f.backorderLimit}`;

/** The differences in one line, for the report's note (the reconcile CLI prints notes as they are). */
export function describeLocationDrift(
  locations: readonly LocationDiff[] = [],
  safety?: { redis: number; mariadb: number },
): string {
  const parts = locations.map(
    (l) => `${l.locationId}: redis ${figures(l.redis)}, mariadb ${figures(l.mariadb)}`,
  );
  if (safety) parts.push(`safety sum: redis ${safety.redis}, mariadb ${safety.mariadb}`);
  return parts.join('; ');
}
