import { locationsOfHash } from '../stock/stock.locations.js';
import {
  isLocationField,
  type LocationMap,
  locationFieldsFor,
  locationFieldsOf,
} from './location.compare.js';
import type { DriftOutcome, ReconcileContext, SkuDrift } from './reconcile.types.js';
import { reconcileJournalId, repairLedgerColumns } from './sku.repair.js';

/**
 * Sets a SKU hash's location fields to MariaDB's (docs/locations.md), the way the reservation
 * repair rewrites a record: WATCH the hash on a connection of its own, check that it still holds
 * the version and location fields the settled observation read, then MULTI/EXEC, which writes
 * nothing if anything touched the hash after the WATCH. No Lua script is needed: the repair
 * replaces fields wholesale and checks nothing but "unchanged since read".
 *
 * The SKU's version is kept: the SKU counters already agree (or were just repaired), and only
 * journaled changes move the version both stores compare.
 */

/** What the repair expects the hash to hold when it writes (the observed read, or after a SKU repair). */
export interface LocationExpectation {
  version: string | null;
  /** locationFieldsOf() of the observed hash. */
  fields: string;
  /** The SKU counters were repaired just before (lua/reconcile-sku.lua). */
  afterSkuRepair: boolean;
}

export async function repairLocations(
  ctx: ReconcileContext,
  item: SkuDrift,
  mariadb: LocationMap,
  expected: LocationExpectation,
): Promise<DriftOutcome> {
  // After a SKU repair of the same item the hook already ran: one item, one seam.
  if (!expected.afterSkuRepair) await ctx.hooks.beforeRepair?.(item);
  const client = ctx.watchClient();
  const key = ctx.keys.stock(item.skuId);
  await client.watch(key);
  const current = await client.hgetall(key);
  const unchanged =
    current.total !== undefined &&
    (current.version ?? null) === expected.version &&
    locationFieldsOf(current) === expected.fields;
  if (!unchanged) {
    await client.unwatch();
    return 'conflict';
  }
  const now = ctx.now();
  const stale = Object.keys(current).filter(isLocationField);
  const fields = locationFieldsFor(mariadb);
  const tx = client.multi();
  // HDEL first: the hash then holds exactly MariaDB's locations, none it never had.
  if (stale.length > 0) tx.hdel(key, ...stale);
  tx.hset(key, { ...fields, updatedAt: now });
  if ((await tx.exec()) === null) return 'conflict';
  await recordLocationRepair(ctx, item.skuId, current, { ...withoutLocations(current), ...fields }, now);
  return 'repaired';
}

function withoutLocations(hash: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(hash).filter(([name]) => !isLocationField(name)));
}

/**
 * One ledger row per location whose total or reserved moved in the live store (the `default`
 * location moves too when another one does: it is the rest). Settings are no movement, so a repair
 * of safety stock or a backorder limit leaves only its log line and report item.
 */
async function recordLocationRepair(
  ctx: ReconcileContext,
  skuId: string,
  before: Record<string, string>,
  after: Record<string, string | number>,
  now: number,
): Promise<void> {
  const asText = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, String(v)]));
  const old = new Map(locationsOfHash(before).map((l) => [l.locationId, l]));
  const fresh = new Map(locationsOfHash(asText).map((l) => [l.locationId, l]));
  const ids = [...new Set([...old.keys(), ...fresh.keys()])].sort();
  const journalId = reconcileJournalId();
  const version = Number(before.version ?? 0);
  const rows = ids.flatMap((locationId) => {
    const was = old.get(locationId) ?? { total: 0, reserved: 0 };
    const is = fresh.get(locationId) ?? { total: 0, reserved: 0 };
    const dTotal = is.total - was.total;
    const dReserved = is.reserved - was.reserved;
    if (!Number.isFinite(dTotal + dReserved) || (dTotal === 0 && dReserved === 0)) return [];
    return [
      {
        journal_id: journalId,
        sku_id: skuId,
        location_id: locationId,
        delta_total: dTotal,
        delta_reserved: dReserved,
        total_after: is.total,
        reserved_after: is.reserved,
        version: Number.isSafeInteger(version) ? version : 0,
        ...repairLedgerColumns(ctx, now),
      },
    ];
  });
  // Should this fail, Redis already holds MariaDB's locations: the next run finds no drift, and
  // the run's log line is the record of the repair.
  if (rows.length > 0) await ctx.knex('inventory_ledger').insert(rows);
}
