import type { Knex } from 'knex';
import type { Logger } from '../logging/logger.js';
import type { RedisClient } from '../redis/redis.groups.js';
import type { StockKeys } from '../stock/stock.keys.js';
import type { ShardLayout } from '../stock/stock.shards.js';
import { restoreRegistry, restoreSkuLocations } from './restore.locations.js';
import { onlyShardSkus } from './restore.orders.js';
import { restoreReservations } from './restore.reservations.js';

export { reservationFields } from './restore.orders.js';

export interface RestoreOptions {
  redis: RedisClient;
  knex: Knex;
  /** The keys of the shard restored (`layout.keys(shard)`). */
  keys: StockKeys;
  /** With several shards: the layout and which shard to restore (only its SKUs and records). */
  layout?: ShardLayout;
  shard?: number;
  logger: Logger;
  finishedTtlSeconds: number;
  /** How long an HTTP Idempotency-Key is remembered (IDEMPOTENCY_TTL_SECONDS; default one day). */
  idempotencyTtlSeconds?: number;
  /** Rows read and written per round trip. */
  pageSize?: number;
}

export interface RestoreReport {
  skus: number;
  /** (SKU, location) rows: location fields written onto the SKU hashes. */
  locations: number;
  reservations: number;
  openReservations: number;
  /** HTTP Idempotency-Keys still within their TTL, with their first outcomes. */
  idempotencyKeys: number;
  ms: number;
}

/**
 * True when Redis holds restored, current data: the marker of the shard whose keys are given, or
 * of every shard of a layout.
 */
export async function isRestored(redis: RedisClient, where: StockKeys | ShardLayout): Promise<boolean> {
  if ('restored' in where) return (await redis.exists(where.restored)) === 1;
  for (let shard = 0; shard < where.count; shard += 1) {
    if ((await redis.exists(where.keys(shard).restored)) === 0) return false;
  }
  return true;
}

/** Whether a SKU belongs to the shard being restored (every SKU, without a layout). */
export function ownsSku(o: Pick<RestoreOptions, 'layout' | 'shard'>, skuId: string): boolean {
  return !o.layout || o.layout.shardOfSku(skuId) === (o.shard ?? 0);
}

async function restoreSkus(o: RestoreOptions, page: number): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const rows: { sku_id: string; total: number; reserved: number; version: number; updated_at: Date }[] =
      await o
        .knex('inventory_snapshot')
        .where('sku_id', '>', after)
        .modify((q) => onlyShardSkus(q, o.layout, o.shard ?? 0))
        .orderBy('sku_id')
        .limit(page);
    if (rows.length === 0) return count;
    const pipeline = o.redis.pipeline();
    for (const r of rows) {
      if (!ownsSku(o, r.sku_id)) continue;
      count += 1;
      // From scratch: the location fields (and their `safety` sum) follow in restoreSkuLocations.
      pipeline.del(o.keys.stock(r.sku_id));
      pipeline.hset(o.keys.stock(r.sku_id), {
        total: r.total,
        reserved: r.reserved,
        version: r.version,
        updatedAt: r.updated_at.getTime(),
      });
    }
    await pipeline.exec();
    after = rows[rows.length - 1]?.sku_id ?? after;
  }
}

/**
 * A SKU an admin write's outcome is about: its key lives on that SKU's shard (a bulk's items all
 * sit on one shard when there are several).
 */
function outcomeSku(outcome: string): string {
  try {
    const entry = JSON.parse(outcome) as { skuId?: unknown; skus?: unknown; failedItems?: unknown };
    if (typeof entry.skuId === 'string') return entry.skuId;
    const changed = Array.isArray(entry.skus)
      ? (entry.skus[0] as { skuId?: unknown } | undefined)
      : undefined;
    if (typeof changed?.skuId === 'string') return changed.skuId;
    const failed = Array.isArray(entry.failedItems)
      ? (entry.failedItems[0] as unknown[] | undefined)
      : undefined;
    return String(failed?.[0] ?? '');
  } catch {
    return ''; // not JSON: it can only be replayed, from whichever shard holds it
  }
}

/** The Idempotency-Keys of HTTP writes, each with its first outcome and what is left of its TTL. */
async function restoreIdempotencyKeys(o: RestoreOptions, page: number): Promise<number> {
  const ttlMs = (o.idempotencyTtlSeconds ?? 86_400) * 1000;
  const since = new Date(Date.now() - ttlMs);
  let count = 0;
  let after = '';
  for (;;) {
    const rows: { idempotency_key: string; outcome: string; created_at: Date }[] = await o
      .knex('inventory_http_idempotency')
      .where('created_at', '>', since)
      .andWhere('idempotency_key', '>', after)
      .orderBy('idempotency_key')
      .limit(page);
    if (rows.length === 0) return count;
    const pipeline = o.redis.pipeline();
    const now = Date.now();
    for (const r of rows) {
      const leftMs = r.created_at.getTime() + ttlMs - now;
      if (leftMs <= 0 || !ownsSku(o, outcomeSku(r.outcome))) continue;
      pipeline.set(o.keys.idempotency(r.idempotency_key), r.outcome, 'PX', leftMs);
      count += 1;
    }
    await pipeline.exec();
    after = rows[rows.length - 1]?.idempotency_key ?? after;
  }
}

/** Deletes remembered Idempotency-Keys older than their TTL (Redis has expired them too). */
export async function purgeHttpIdempotency(knex: Knex, idempotencyTtlSeconds: number): Promise<number> {
  return knex('inventory_http_idempotency')
    .where('created_at', '<', new Date(Date.now() - idempotencyTtlSeconds * 1000))
    .limit(5_000)
    .delete();
}

/**
 * Rebuilds the live store from MariaDB: the location registry, SKU hashes from the snapshot and
 * their location fields, reservation records (with
 * their first outcomes, so redelivered events still replay), the deadlines of open ones and the
 * HTTP Idempotency-Keys still within their TTL; then sets the marker. The caller must have
 * drained the journal first and must be the only relay. With a layout, only one shard: its SKUs,
 * its records (restore.orders.ts), its keys and its marker; the other shards keep serving.
 */
export async function restoreFromDatabase(o: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const page = o.pageSize ?? 2_000;
  await restoreRegistry(o);
  const skus = await restoreSkus(o, page);
  const locations = await restoreSkuLocations(o, page);
  const [reservations, openReservations] = await restoreReservations(o, page);
  const idempotencyKeys = await restoreIdempotencyKeys(o, page);
  await o.redis.set(o.keys.restored, new Date().toISOString());
  const report = {
    skus,
    locations,
    reservations,
    openReservations,
    idempotencyKeys,
    ms: Date.now() - started,
  };
  o.logger.info(report, 'Redis restored from MariaDB');
  return report;
}
