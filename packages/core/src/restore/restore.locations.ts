import type { StockLocationRecord } from '../reconcile/location.compare.js';
import { locationHashFields, replaceRegistry } from '../stock/stock.locations.js';
import type { RestoreOptions } from './redis.restore.js';
import { onlyShardSkus } from './restore.orders.js';

/**
 * Restores stock per location (docs/locations.md): the shard's registry of active locations from
 * inventory_location, and each SKU's location fields from inventory_stock_location. The SKU hashes
 * themselves (total, reserved) come from the snapshot first; the `default` location needs no
 * field, it is the rest.
 */

/** The registry hash of the shard: `default` and every active location, with its priority. */
export async function restoreRegistry(o: RestoreOptions): Promise<number> {
  const rows: { location_id: string; priority: number }[] = await o
    .knex('inventory_location')
    .where('active', true)
    .select('location_id', 'priority');
  const entries = rows.map((r) => ({ locationId: r.location_id, priority: r.priority, active: true }));
  await replaceRegistry(o.redis, o.keys.locations, entries);
  return rows.length;
}

/** Writes each SKU's location fields and its `safety` sum, a SKU at a time (rows come sorted). */
export async function restoreSkuLocations(o: RestoreOptions, page: number): Promise<number> {
  let count = 0;
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows: StockLocationRecord[] = await o
      .knex('inventory_stock_location')
      .where((q) =>
        q
          .where('sku_id', '>', after[0])
          .orWhere((q2) => q2.where('sku_id', after[0]).andWhere('location_id', '>', after[1])),
      )
      .modify((q) => onlyShardSkus(q, o.layout, o.shard ?? 0))
      .orderBy([{ column: 'sku_id' }, { column: 'location_id' }])
      .limit(page);
    if (rows.length === 0) return count;
    const pipeline = o.redis.pipeline();
    for (const r of rows) {
      if (o.layout && o.layout.shardOfSku(r.sku_id) !== (o.shard ?? 0)) continue;
      const key = o.keys.stock(r.sku_id);
      const fields = locationHashFields(r.location_id, {
        total: r.total ?? 0,
        reserved: r.reserved ?? 0,
        safetyStock: r.safety_stock,
        backorderLimit: r.backorder_limit,
      });
      pipeline.hset(key, fields);
      // The SKU's safety sum: added location by location onto a hash restored without it.
      if (r.safety_stock !== 0) pipeline.hincrby(key, 'safety', r.safety_stock);
      count += 1;
    }
    await pipeline.exec();
    const last = rows[rows.length - 1];
    if (last) after = [last.sku_id, last.location_id];
  }
}
