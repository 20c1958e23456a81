import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from '../logging/logger.js';
import type { ReservationRecord } from '../reconcile/reservation.compare.js';
import type { StockKeys } from '../stock/stock.keys.js';

export interface RestoreOptions {
  redis: Redis;
  knex: Knex;
  keys: StockKeys;
  logger: Logger;
  finishedTtlSeconds: number;
  /** How long an HTTP Idempotency-Key is remembered (IDEMPOTENCY_TTL_SECONDS; default one day). */
  idempotencyTtlSeconds?: number;
  /** Rows read and written per round trip. */
  pageSize?: number;
}

export interface RestoreReport {
  skus: number;
  reservations: number;
  openReservations: number;
  /** HTTP Idempotency-Keys still within their TTL, with their first outcomes. */
  idempotencyKeys: number;
  ms: number;
}

/** True when Redis holds restored, current data (the marker is set). */
export async function isRestored(redis: Redis, keys: StockKeys): Promise<boolean> {
  return (await redis.exists(keys.restored)) === 1;
}

/** The columns a reservation record is rebuilt from (reconcile passes rows without the journal id). */
type RestorableReservation = Omit<ReservationRecord, 'last_journal_id'>;

const ACTIONS = ['reserve', 'confirm', 'release', 'expire'] as const;

/** The reservation hash fields a script would have written: status, items, deadline, outcomes. */
export function reservationFields(row: RestorableReservation): Record<string, string> {
  const fields: Record<string, string> = {
    status: row.status,
    items: row.items,
    orderIdType: row.order_id_type,
  };
  if (row.expires_at) fields.expiresAt = String(row.expires_at.getTime());
  // Each stored outcome is the journal entry's JSON text, kept verbatim for replays.
  const outcomes = JSON.parse(row.outcomes || '{}') as Record<string, string>;
  for (const action of ACTIONS) {
    const outcome = outcomes[action];
    if (typeof outcome === 'string') fields[action] = outcome;
  }
  if (fields.reserve) {
    const correlationId = (JSON.parse(fields.reserve) as { correlationId?: unknown }).correlationId;
    if (typeof correlationId === 'string') fields.correlationId = correlationId;
  }
  return fields;
}

async function restoreSkus(o: RestoreOptions, page: number): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const rows: { sku_id: string; total: number; reserved: number; version: number; updated_at: Date }[] =
      await o.knex('inventory_snapshot').where('sku_id', '>', after).orderBy('sku_id').limit(page);
    if (rows.length === 0) return count;
    const pipeline = o.redis.pipeline();
    for (const r of rows) {
      pipeline.hset(o.keys.stock(r.sku_id), {
        total: r.total,
        reserved: r.reserved,
        version: r.version,
        updatedAt: r.updated_at.getTime(),
      });
    }
    await pipeline.exec();
    count += rows.length;
    after = rows[rows.length - 1]?.sku_id ?? after;
  }
}

async function restoreReservations(o: RestoreOptions, page: number): Promise<[number, number]> {
  let count = 0;
  let open = 0;
  let after = '';
  for (;;) {
    const rows: ReservationRecord[] = await o
      .knex('inventory_reservation')
      .where('order_id', '>', after)
      .orderBy('order_id')
      .limit(page);
    if (rows.length === 0) return [count, open];
    const pipeline = o.redis.pipeline();
    for (const r of rows) {
      const key = o.keys.reservation(r.order_id);
      pipeline.hset(key, reservationFields(r));
      if (r.status === 'RESERVED' && r.expires_at) {
        pipeline.zadd(o.keys.deadlines, r.expires_at.getTime(), r.order_id);
        open += 1;
      } else {
        pipeline.expire(key, o.finishedTtlSeconds); // finished records still de-duplicate late events
      }
    }
    await pipeline.exec();
    count += rows.length;
    after = rows[rows.length - 1]?.order_id ?? after;
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
      if (leftMs > 0) pipeline.set(o.keys.idempotency(r.idempotency_key), r.outcome, 'PX', leftMs);
    }
    await pipeline.exec();
    count += rows.length;
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
 * Rebuilds the live store from MariaDB: SKU hashes from the snapshot, reservation records (with
 * their first outcomes, so redelivered events still replay), the deadlines of open ones and the
 * HTTP Idempotency-Keys still within their TTL; then sets the marker. The caller must have drained the journal first and must be the only relay.
 */
export async function restoreFromDatabase(o: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const page = o.pageSize ?? 2_000;
  const skus = await restoreSkus(o, page);
  const [reservations, openReservations] = await restoreReservations(o, page);
  const idempotencyKeys = await restoreIdempotencyKeys(o, page);
  await o.redis.set(o.keys.restored, new Date().toISOString());
  const report = { skus, reservations, openReservations, idempotencyKeys, ms: Date.now() - started };
  o.logger.info(report, 'Redis restored from MariaDB');
  return report;
}
