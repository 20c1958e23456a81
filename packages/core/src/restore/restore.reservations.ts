import type { ChainableCommander } from 'ioredis';
import type { ReservationRecord } from '../reconcile/reservation.compare.js';
import { parseOrderItems } from '../stock/stock.journal.js';
import { DEFAULT_LOCATION, type LocationQuantity, type OrderItem } from '../stock/stock.types.js';
import type { RestoreOptions } from './redis.restore.js';
import { coordinatorFields, partFields, placeOrder, reservationFields } from './restore.orders.js';

/** A cross-shard order with a coordinator or a part on the restored shard. */
interface CrossShardOrder {
  row: ReservationRecord;
  /** This shard's items, when it has a part here. */
  partItems: OrderItem[] | null;
  coordinatorHere: boolean;
}

/** Answered: the parts must follow the answer (docs/sharding.md, "A part lags behind"). */
const FINAL = new Set(['CONFIRMED', 'RELEASED', 'EXPIRED', 'FAILED']);

/**
 * The (order, SKU) pairs whose reserved units are still held, and where: the order's reserved
 * movements on that SKU per location, summed from the ledger, are positive. The snapshot counters
 * (and the location rows) already include exactly these movements, so a part rebuilt from them
 * agrees with the rebuilt counters, location by location.
 */
async function heldUnits(
  o: RestoreOptions,
  orders: CrossShardOrder[],
): Promise<Map<string, LocationQuantity[]>> {
  if (orders.length === 0) return new Map();
  const rows: { order_id: string; sku_id: string; location_id: string; held: string | number }[] = await o
    .knex('inventory_ledger')
    .select('order_id', 'sku_id', 'location_id')
    .sum({ held: 'delta_reserved' })
    .whereIn(
      'order_id',
      orders.map((c) => c.row.order_id),
    )
    .groupBy('order_id', 'sku_id', 'location_id');
  const units = new Map<string, LocationQuantity[]>();
  // Allocations in location order, as the scripts list a sourced item's (priority) is not known
  // here; what matters is which location holds how much.
  rows.sort((a, b) => (a.location_id < b.location_id ? -1 : a.location_id > b.location_id ? 1 : 0));
  for (const r of rows) {
    if (Number(r.held) <= 0) continue;
    const key = held(r.order_id, r.sku_id);
    units.set(key, [...(units.get(key) ?? []), { locationId: r.location_id, quantity: Number(r.held) }]);
  }
  return units;
}

/** A part's items with their allocations as the ledger shows them held. */
function heldItems(
  orderId: string,
  items: readonly OrderItem[],
  units: Map<string, LocationQuantity[]>,
): OrderItem[] {
  return items.map((item) => {
    const allocations = units.get(held(orderId, item.skuId));
    if (!allocations) return item;
    const quantity = allocations.reduce((sum, a) => sum + a.quantity, 0);
    const atDefault = allocations.length === 1 && allocations[0]?.locationId === DEFAULT_LOCATION;
    return atDefault ? { skuId: item.skuId, quantity } : { skuId: item.skuId, quantity, allocations };
  });
}

const held = (orderId: string, skuId: string) => `${orderId}\u0000${skuId}`;

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
 * The held parts of the page's cross-shard orders, rebuilt on this shard. Every order with a part
 * rebuilt here, and every answered order whose coordinator is rebuilt here and still holds units
 * anywhere, is put due in its home shard's deadline set (unless a later deadline is there): its
 * settles may have been lost with this shard's data, and MariaDB may not show its answer yet
 * (the home shard's journal is drained on its own), so the home shard's sweep looks at the
 * coordinator as it is now and settles the parts if it is answered. Returns those orders' ids by
 * home shard.
 */
async function restoreParts(
  o: RestoreOptions,
  pipeline: ChainableCommander,
  orders: CrossShardOrder[],
): Promise<{ parts: number; unsettled: Map<number, string[]> }> {
  const units = await heldUnits(o, orders);
  const unsettled = new Map<number, string[]>();
  let parts = 0;
  for (const { row, partItems, coordinatorHere } of orders) {
    const id = row.order_id;
    const partHeldHere = partItems?.some((i) => units.has(held(id, i.skuId))) === true;
    if (partItems && partHeldHere) {
      pipeline.hset(o.keys.part(id), partFields(row, heldItems(id, partItems, units)));
      parts += 1;
    }
    const answeredHere =
      coordinatorHere &&
      FINAL.has(row.status) &&
      parseOrderItems(row.items).some((i) => units.has(held(id, i.skuId)));
    if ((partHeldHere || answeredHere) && o.layout) {
      const home = o.layout.homeShardOf(id);
      unsettled.set(home, [...(unsettled.get(home) ?? []), id]);
    }
  }
  return { parts, unsettled };
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
    const crossShard: CrossShardOrder[] = [];
    const now = Date.now();
    for (const row of rows) {
      const placement = o.layout ? placeOrder(o.layout, row, shard) : { record: 'plain', partItems: null };
      const coordinatorHere = placement.record === 'coordinator';
      if (placement.partItems || coordinatorHere)
        crossShard.push({ row, partItems: placement.partItems, coordinatorHere });
      if (placement.record === null) continue;
      const fields =
        coordinatorHere && o.layout ? coordinatorFields(o.layout, row, now) : reservationFields(row);
      if (writeRecord(o, pipeline, o.keys.reservation(row.order_id), fields, row)) open += 1;
      count += 1;
    }
    const { parts, unsettled } = await restoreParts(o, pipeline, crossShard);
    count += parts;
    // GT: a later deadline (an open order's expiry, a recovery) stays; an absent one is added.
    for (const orderId of unsettled.get(shard) ?? []) pipeline.zadd(o.keys.deadlines, 'GT', now, orderId);
    await pipeline.exec();
    // Other shards' deadline sets: one command each (a cluster pipeline stays in one slot).
    for (const [home, orderIds] of unsettled) {
      if (home !== shard && o.layout)
        await o.redis.zadd(o.layout.keys(home).deadlines, 'GT', ...orderIds.flatMap((id) => [now, id]));
    }
    after = rows[rows.length - 1]?.order_id ?? after;
  }
}
