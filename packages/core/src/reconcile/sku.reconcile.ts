import type { Knex } from 'knex';
import { scanNodes } from '../redis/redis.groups.js';
import {
  describeLocationDrift,
  type LocationMap,
  locationDiffs,
  locationFieldsOf,
  mariadbLocations,
  mariadbSafety,
  redisLocations,
  redisSafety,
  STOCK_LOCATION_COLUMNS,
  type StockLocationRecord,
} from './location.compare.js';
import { repairLocations } from './location.repair.js';
import { type Observation, observeSettled, replyAt } from './reconcile.settle.js';
import type { DriftOutcome, ReconcileContext, SkuCounters, SkuDrift } from './reconcile.types.js';
import { rawSkuFields, skuDriftKind, toCounters } from './sku.compare.js';
import { RECONCILE_ACTION, repairSku } from './sku.repair.js';

interface SnapshotRecord extends SkuCounters {
  sku_id: string;
}

interface SnapshotPage {
  rows: SnapshotRecord[];
  /** Ledger sums per SKU of the page; a SKU without ledger rows is absent (sums 0). */
  ledger: Map<string, { total: number; reserved: number }>;
  /** inventory_stock_location rows per SKU of the page; a SKU without rows is absent. */
  locations: Map<string, StockLocationRecord[]>;
}

/** The stock-location rows of some SKUs, grouped by SKU. */
async function readLocationRows(
  knex: Knex | Knex.Transaction,
  skuIds: string[],
): Promise<Map<string, StockLocationRecord[]>> {
  const rows: StockLocationRecord[] = await knex('inventory_stock_location')
    .select(...STOCK_LOCATION_COLUMNS)
    .whereIn('sku_id', skuIds);
  const bySku = new Map<string, StockLocationRecord[]>();
  for (const row of rows) bySku.set(row.sku_id, [...(bySku.get(row.sku_id) ?? []), row]);
  return bySku;
}

const SNAPSHOT_COLUMNS = ['sku_id', 'total', 'reserved', 'version'] as const;

/** One page of the snapshot and its ledger sums, read in one transaction so they agree. */
async function readSnapshotPage(ctx: ReconcileContext, after: string): Promise<SnapshotPage> {
  return ctx.knex.transaction(
    async (trx) => {
      const rows: SnapshotRecord[] = await trx('inventory_snapshot')
        .select(...SNAPSHOT_COLUMNS)
        .where('sku_id', '>', after)
        .modify(ctx.onlyShardSkus)
        .orderBy('sku_id')
        .limit(ctx.pageSize);
      if (rows.length === 0) return { rows, ledger: new Map(), locations: new Map() };
      // Reconcile rows are left out: they record what a repair changed in Redis, not a movement.
      // CAST: SUM of a BIGINT is a DECIMAL, which the driver would return as text.
      const sums: { sku_id: string; total: number; reserved: number }[] = await trx('inventory_ledger')
        .select('sku_id')
        .select(trx.raw('CAST(SUM(delta_total) AS SIGNED) AS total'))
        .select(trx.raw('CAST(SUM(delta_reserved) AS SIGNED) AS reserved'))
        .whereIn(
          'sku_id',
          rows.map((r) => r.sku_id),
        )
        .whereNot('action', RECONCILE_ACTION)
        .groupBy('sku_id');
      const ledger = new Map(sums.map((s) => [s.sku_id, { total: s.total, reserved: s.reserved }]));
      const locations = await readLocationRows(
        trx,
        rows.map((r) => r.sku_id),
      );
      return { rows, ledger, locations };
    },
    { isolationLevel: 'repeatable read' },
  );
}

async function readSnapshotRow(knex: Knex, skuId: string): Promise<SkuCounters | null> {
  const row: SkuCounters | undefined = await knex('inventory_snapshot')
    .first('total', 'reserved', 'version')
    .where('sku_id', skuId);
  return row ? { total: row.total, reserved: row.reserved, version: row.version } : null;
}

interface SkuView {
  mariadb: SkuCounters | null;
  locations: LocationMap;
  hash: Record<string, string>;
}

/**
 * One look at both stores (see reconcile.settle.ts for when it counts as settled). Every journal
 * entry that changes a SKU's locations also moves its snapshot version, so an unchanged snapshot
 * version covers the location rows read in between as well.
 */
async function observeSku(ctx: ReconcileContext, skuId: string): Promise<Observation<SkuView>> {
  const before = await readSnapshotRow(ctx.knex, skuId);
  const rows = (await readLocationRows(ctx.knex, [skuId])).get(skuId) ?? [];
  const results = await ctx.redis.multi().xlen(ctx.keys.journal).hgetall(ctx.keys.stock(skuId)).exec();
  const after = await readSnapshotRow(ctx.knex, skuId);
  const settled = replyAt<number>(results, 0) === 0 && before?.version === after?.version;
  const hash = replyAt<Record<string, string>>(results, 1);
  return { settled, value: { mariadb: before, locations: mariadbLocations(rows), hash } };
}

/** How the SKU's locations differ; only compared when MariaDB has the SKU (else nothing to compare with). */
function locationDrift(view: SkuView): Pick<SkuDrift, 'locations' | 'safety'> {
  if (view.mariadb === null) return {};
  const drift: Pick<SkuDrift, 'locations' | 'safety'> = {};
  const diffs = locationDiffs(redisLocations(view.hash), view.locations);
  if (diffs.length > 0) drift.locations = diffs;
  const safety = { redis: redisSafety(view.hash), mariadb: mariadbSafety(view.locations) };
  if (safety.redis !== safety.mariadb) drift.safety = safety;
  return drift;
}

/** Whether the two stores disagree about a SKU, its counters or its locations. */
function differs(view: SkuView): boolean {
  const drift = locationDrift(view);
  const counters = skuDriftKind(toCounters(rawSkuFields(view.hash)), view.mariadb);
  return counters !== null || drift.locations !== undefined || drift.safety !== undefined;
}

/**
 * The SKU counters first (lua/reconcile-sku.lua), then the locations from the hash that repair
 * left: its version is then the repaired one, its location fields the ones observed.
 */
async function repairAll(ctx: ReconcileContext, item: SkuDrift, view: SkuView): Promise<DriftOutcome> {
  let version = view.hash.version ?? null;
  const afterSkuRepair = skuDriftKind(item.redis, item.mariadb) !== null;
  if (afterSkuRepair) {
    const outcome = await repairSku(ctx, item, rawSkuFields(view.hash));
    if (outcome !== 'repaired') return outcome;
    version = String(item.version);
  }
  if (item.locations === undefined && item.safety === undefined) return 'repaired';
  const fields = locationFieldsOf(view.hash);
  return repairLocations(ctx, item, view.locations, { version, fields, afterSkuRepair });
}

/**
 * Confirms a difference a page showed and, when asked, repairs it. `ledgerMismatch`: MariaDB
 * disagrees with itself about this SKU, so it is no source to repair from.
 */
async function settleSku(ctx: ReconcileContext, skuId: string, ledgerMismatch: boolean): Promise<void> {
  const seen = await observeSettled(() => observeSku(ctx, skuId));
  const view = seen.value;
  if (!differs(view)) return; // what the page saw was a change in flight, drained since
  const redis = toCounters(rawSkuFields(view.hash));
  const mariadb = view.mariadb;
  const kind = skuDriftKind(redis, mariadb) ?? 'sku-mismatch';
  const item: SkuDrift = { kind, skuId, redis, mariadb, outcome: 'reported', ...locationDrift(view) };
  if (kind === 'sku-missing-in-mariadb') {
    item.note =
      'not journaled, so MariaDB has nothing to restore it from: set it through the API or delete the key';
  } else if (item.locations || item.safety) {
    item.note = `stock per location differs: ${describeLocationDrift(item.locations, item.safety)}`;
  }
  if (!seen.settled) {
    item.outcome = 'unverified';
    item.note = 'the journal kept receiving entries; rerun when the service is quiet';
  } else if (ctx.repair) {
    if (ledgerMismatch) item.note = 'the ledger does not add up to the snapshot: repair MariaDB first';
    item.outcome = ledgerMismatch || mariadb === null ? 'unrepairable' : await repairAll(ctx, item, view);
  }
  ctx.record(item);
}

/** Reports a SKU whose ledger sums differ from its snapshot; true when they differ. */
function checkLedger(ctx: ReconcileContext, row: SnapshotRecord, page: SnapshotPage): boolean {
  const ledger = page.ledger.get(row.sku_id) ?? { total: 0, reserved: 0 };
  if (ledger.total === row.total && ledger.reserved === row.reserved) return false;
  ctx.record({
    kind: 'ledger-mismatch',
    skuId: row.sku_id,
    snapshot: { total: row.total, reserved: row.reserved },
    ledger,
    outcome: ctx.repair ? 'unrepairable' : 'reported',
    note: 'MariaDB disagrees with itself; reconcile repairs Redis only, never the durable record',
  });
  return true;
}

/** Compares the page's SKUs of this shard; returns how many. */
async function checkPage(ctx: ReconcileContext, page: SnapshotPage): Promise<number> {
  const rows = page.rows.filter((row) => ctx.ownsSku(row.sku_id));
  if (rows.length === 0) return 0;
  const pipeline = ctx.redis.pipeline();
  for (const row of rows) pipeline.hgetall(ctx.keys.stock(row.sku_id));
  const results = (await pipeline.exec()) as [Error | null, unknown][];
  for (const [i, row] of rows.entries()) {
    const ledgerMismatch = checkLedger(ctx, row, page);
    const view: SkuView = {
      mariadb: { total: row.total, reserved: row.reserved, version: row.version },
      locations: mariadbLocations(page.locations.get(row.sku_id) ?? []),
      hash: replyAt<Record<string, string>>(results, i),
    };
    if (differs(view)) await settleSku(ctx, row.sku_id, ledgerMismatch);
  }
  return rows.length;
}

/** Every SKU of MariaDB's snapshot against its Redis hash, page by page; returns how many. */
export async function reconcileSnapshotSkus(ctx: ReconcileContext): Promise<number> {
  let checked = 0;
  let after = ''; // every skuId has at least one character, so '' sorts before all of them
  for (;;) {
    const page = await readSnapshotPage(ctx, after);
    if (page.rows.length === 0) return checked;
    checked += await checkPage(ctx, page);
    after = page.rows.at(-1)?.sku_id ?? after;
  }
}

/**
 * SKU hashes with no snapshot row, found by SCAN (the snapshot pass cannot see them). SCAN may
 * return a key twice; `found` keeps each SKU to one report. Returns how many were found.
 */
export async function reconcileRedisOnlySkus(ctx: ReconcileContext): Promise<number> {
  const found = new Set<string>();
  for await (const keys of scanNodes(ctx.redis, ctx.keys.stockPattern, ctx.pageSize)) {
    const ids = new Set(keys.map((key) => ctx.keys.skuIdOf(key)).filter((id) => id !== null));
    const fresh = [...ids].filter((id) => !found.has(id));
    if (fresh.length === 0) continue;
    const known = new Set<string>(
      await ctx.knex('inventory_snapshot').whereIn('sku_id', fresh).pluck('sku_id'),
    );
    for (const skuId of fresh.filter((id) => !known.has(id))) {
      found.add(skuId);
      await settleSku(ctx, skuId, false);
    }
  }
  return found.size;
}
