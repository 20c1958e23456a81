import type { ChainableCommander } from 'ioredis';
import type { Knex } from 'knex';
import { type Observation, observeSettled, replyAt } from './reconcile.settle.js';
import type { DriftOutcome, ReconcileContext, ReservationDrift, ReservationView } from './reconcile.types.js';
import {
  isOpen,
  mariadbView,
  type RawReservation,
  RESERVATION_COLUMNS,
  type ReservationRecord,
  redisView,
  reservationDiff,
  reservationDriftKind,
  sameRawReservation,
} from './reservation.compare.js';

async function readRow(knex: Knex, orderId: string): Promise<ReservationRecord | null> {
  const row: ReservationRecord | undefined = await knex('inventory_reservation')
    .first(...RESERVATION_COLUMNS)
    .where('order_id', orderId);
  return row ?? null;
}

/** Queues the reads of an order's whole record and its deadline: two replies. */
function queueRawRead(ctx: ReconcileContext, tx: ChainableCommander, orderId: string): ChainableCommander {
  return tx.hgetall(ctx.keys.reservation(orderId)).zscore(ctx.keys.deadlines, orderId);
}

function toRaw(results: [Error | null, unknown][] | null, at: number): RawReservation {
  return {
    hash: replyAt<Record<string, string>>(results, at),
    deadline: replyAt<string | null>(results, at + 1),
  };
}

const viewOf = (raw: RawReservation) => redisView(raw.hash.status, raw.hash.items, raw.deadline);

/** One look at both stores (see reconcile.settle.ts for when it counts as settled). */
async function observeReservation(
  ctx: ReconcileContext,
  orderId: string,
): Promise<Observation<{ row: ReservationRecord | null; raw: RawReservation }>> {
  const before = await readRow(ctx.knex, orderId);
  const results = await queueRawRead(ctx, ctx.redis.multi().xlen(ctx.keys.journal), orderId).exec();
  const after = await readRow(ctx.knex, orderId);
  // last_journal_id moves with every entry applied to the row.
  const settled = replyAt<number>(results, 0) === 0 && before?.last_journal_id === after?.last_journal_id;
  return { settled, value: { row: before, raw: toRaw(results, 1) } };
}

/**
 * Rewrites the record from MariaDB as restore does (same fields, deadline, finished TTL), on a
 * connection of its own. WATCH, then the record must still be exactly what was observed (a
 * script may have added an outcome field without changing the status), then MULTI/EXEC, which
 * writes nothing if anything touched the record after the WATCH.
 */
async function repairReservation(
  ctx: ReconcileContext,
  item: ReservationDrift,
  row: ReservationRecord,
  observed: RawReservation,
): Promise<DriftOutcome> {
  await ctx.hooks.beforeRepair?.(item);
  const client = ctx.watchClient();
  const key = ctx.keys.reservation(item.orderId);
  await client.watch(key);
  const current = {
    hash: await client.hgetall(key),
    deadline: await client.zscore(ctx.keys.deadlines, item.orderId),
  };
  if (!sameRawReservation(current, observed)) {
    await client.unwatch();
    return 'conflict';
  }
  // DEL first: the record becomes exactly MariaDB's, without fields of a state it never had.
  const fields = ctx.recordFields(row);
  if (fields === null) {
    await client.unwatch();
    return 'unrepairable'; // the order's record lives on another shard
  }
  const tx = client.multi().del(key).hset(key, fields);
  if (row.status === 'RESERVED' && row.expires_at !== null) {
    tx.zadd(ctx.keys.deadlines, row.expires_at.getTime(), item.orderId);
  } else {
    tx.zrem(ctx.keys.deadlines, item.orderId).expire(key, ctx.finishedTtlSeconds);
  }
  return (await tx.exec()) === null ? 'conflict' : 'repaired';
}

/** Confirms a difference a page showed and, when asked, repairs it. */
async function settleReservation(ctx: ReconcileContext, orderId: string): Promise<void> {
  const seen = await observeSettled(() => observeReservation(ctx, orderId));
  const { row, raw } = seen.value;
  const redis = viewOf(raw);
  const mariadb = mariadbView(row);
  const fields = reservationDiff(redis, mariadb);
  if (fields.length === 0 || !isOpen(redis, mariadb)) return; // settled in flight
  const kind = reservationDriftKind(redis, mariadb);
  const item: ReservationDrift = { kind, orderId, fields, redis, mariadb, outcome: 'reported' };
  if (!seen.settled) {
    item.outcome = 'unverified';
    item.note = 'the journal kept receiving entries; rerun when the service is quiet';
  } else if (ctx.repair && row === null) {
    item.outcome = 'unrepairable';
    item.note = 'MariaDB has no record of this order to restore it from';
  } else if (ctx.repair && row !== null) {
    item.outcome = await repairReservation(ctx, item, row, raw);
  }
  ctx.record(item);
}

/** Status, items and deadline of many orders in one pipeline (not whole records: pages are big). */
async function readRedisPage(ctx: ReconcileContext, orderIds: string[]): Promise<(ReservationView | null)[]> {
  if (orderIds.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const orderId of orderIds) {
    pipeline.hmget(ctx.keys.reservation(orderId), 'status', 'items').zscore(ctx.keys.deadlines, orderId);
  }
  const results = (await pipeline.exec()) as [Error | null, unknown][];
  return orderIds.map((_, i) => {
    const [status, items] = replyAt<(string | null)[]>(results, 2 * i);
    return redisView(status, items, replyAt<string | null>(results, 2 * i + 1));
  });
}

/** MariaDB's open reservations against Redis, page by page; returns how many. */
export async function reconcileOpenReservations(ctx: ReconcileContext): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const rows: ReservationRecord[] = await ctx
      .knex('inventory_reservation')
      .select(...RESERVATION_COLUMNS)
      .where('status', 'RESERVED')
      .andWhere('order_id', '>', after)
      .orderBy('order_id')
      .limit(ctx.pageSize);
    if (rows.length === 0) return checked;
    after = rows.at(-1)?.order_id ?? after;
    const here = rows.filter((row) => ctx.recordFields(row) !== null); // this shard's records
    const views = await readRedisPage(
      ctx,
      here.map((r) => r.order_id),
    );
    for (const [i, row] of here.entries()) {
      if (reservationDiff(views[i] ?? null, mariadbView(row)).length > 0) {
        await settleReservation(ctx, row.order_id);
      }
    }
    checked += here.length;
  }
}

/**
 * Reservations RESERVED in Redis but not in MariaDB. Every RESERVED record has a member in the
 * deadlines set (reserve writes both atomically), so ZSCAN finds them without a keyspace SCAN.
 * Orders RESERVED in MariaDB were compared by the pass above and are skipped. Returns how many.
 */
export async function reconcileRedisOnlyReservations(ctx: ReconcileContext): Promise<number> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, flat] = await ctx.redis.zscan(ctx.keys.deadlines, cursor, 'COUNT', ctx.pageSize);
    cursor = next;
    const members = [...new Set(flat.filter((_, i) => i % 2 === 0))].filter((id) => !found.has(id));
    if (members.length === 0) continue;
    const openInMariadb = new Set<string>(
      await ctx
        .knex('inventory_reservation')
        .whereIn('order_id', members)
        .where('status', 'RESERVED')
        .pluck('order_id'),
    );
    const candidates = members.filter((id) => !openInMariadb.has(id));
    const views = await readRedisPage(ctx, candidates);
    for (const [i, orderId] of candidates.entries()) {
      if (views[i]?.status !== 'RESERVED') continue; // a stale member: the sweeper removes it
      found.add(orderId);
      await settleReservation(ctx, orderId);
    }
  } while (cursor !== '0');
  return found.size;
}
