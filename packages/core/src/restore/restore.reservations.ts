import type { ChainableCommander } from 'ioredis';
import type { ReservationRecord } from '../reconcile/reservation.compare.js';
import type { OrderItem } from '../stock/stock.types.js';
import type { RestoreOptions } from './redis.restore.js';
import { coordinatorFields, partFields, placeOrder, reservationFields } from './restore.orders.js';

/** A cross-shard order whose part on the restored shard may still hold stock. */
interface PartCandidate {
  row: ReservationRecord;
  items: OrderItem[];
}

/**
 * The parts still holding stock: an order's reserved movements on the shard's SKUs, summed from
 * the ledger, are positive. The snapshot counters already include exactly these movements, so the
 * rebuilt part and the rebuilt counters agree; a part that was released (or never held) is not
 * rebuilt, and a settle of it then changes nothing.
 */
async function heldParts(o: RestoreOptions, candidates: PartCandidate[]): Promise<PartCandidate[]> {
  if (candidates.length === 0) return [];
  const rows: { order_id: string; sku_id: string; held: string | number }[] = await o
    .knex('inventory_ledger')
    .select('order_id', 'sku_id')
    .sum({ held: 'delta_reserved' })
    .whereIn(
      'order_id',
      candidates.map((c) => c.row.order_id),
    )
    .groupBy('order_id', 'sku_id');
  const held = new Set(rows.filter((r) => Number(r.held) > 0).map((r) => `${r.order_id}\u0000${r.sku_id}`));
  return candidates.filter((c) => c.items.some((i) => held.has(`${c.row.order_id}\u0000${i.skuId}`)));
}

function writeRecord(
  o: RestoreOptions,
  pipeline: ChainableCommander,
  key: string,
  fields: Record<string, string>,
  row: ReservationRecord,
): boolean {
  pipeline.hset(key, fields);
  if (row.status === 'PENDING' && fields.recoverAt) {
    pipeline.zadd(o.keys.deadlines, fields.recoverAt, row.order_id);
    return true;
  }
  if (row.status === 'RESERVED' && row.expires_at) {
    pipeline.zadd(o.keys.deadlines, row.expires_at.getTime(), row.order_id);
    return true;
  }
  pipeline.expire(key, o.finishedTtlSeconds); // finished records still de-duplicate late events
  return false;
}

/**
 * The order records of the restored shard, a page at a time: plain records and coordinators
 * (with the deadlines of open ones), then the parts that still hold stock. Returns
 * [records, open records].
 */
export async function restoreReservations(o: RestoreOptions, page: number): Promise<[number, number]> {
  let count = 0;
  let open = 0;
  let after = '';
  const shard = o.shard ?? 0;
  for (;;) {
    const rows: ReservationRecord[] = await o
      .knex('inventory_reservation')
      .where('order_id', '>', after)
      .orderBy('order_id')
      .limit(page);
    if (rows.length === 0) return [count, open];
    const pipeline = o.redis.pipeline();
    const candidates: PartCandidate[] = [];
    const now = Date.now();
    for (const row of rows) {
      const placement = o.layout ? placeOrder(o.layout, row, shard) : { record: 'plain', partItems: null };
      if (placement.partItems) candidates.push({ row, items: placement.partItems });
      if (placement.record === null) continue;
      const fields =
        placement.record === 'coordinator' && o.layout
          ? coordinatorFields(o.layout, row, now)
          : reservationFields(row);
      if (writeRecord(o, pipeline, o.keys.reservation(row.order_id), fields, row)) open += 1;
      count += 1;
    }
    for (const part of await heldParts(o, candidates)) {
      pipeline.hset(o.keys.part(part.row.order_id), partFields(part.row, part.items));
      count += 1;
    }
    await pipeline.exec();
    after = rows[rows.length - 1]?.order_id ?? after;
  }
}
