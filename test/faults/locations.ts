import { type LocationStock, publishLocations, readSkuLocations } from '../../packages/core/src/index.js';
import type { TestStack } from '../support/pipeline.js';

/**
 * Stock per location in the fault suite (docs/locations.md): every SKU's initial stock is split
 * between `default` and a second location ranked first, so orders split across both, and every
 * restore under a fault must bring both back. The location is durable (inventory_location) before
 * it is published, as the admin API does.
 */

export const SECOND_LOCATION = 'north';

export async function addSecondLocation(stack: TestStack): Promise<void> {
  await stack
    .knex('inventory_location')
    .insert({ location_id: SECOND_LOCATION, name: 'North', priority: -1 })
    .onConflict()
    .ignore();
  await publishLocations(stack.redis, stack.runner.layout, [
    { locationId: 'default', priority: 0, active: true },
    { locationId: SECOND_LOCATION, priority: -1, active: true },
  ]);
}

/** The SKU's initial stock: half at the second location, the rest at `default`. */
export async function seedSplit(stack: TestStack, skuId: string, initial: number): Promise<void> {
  const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };
  const north = Math.floor(initial / 2);
  if (north > 0) await stack.runner.add({ ...ctx, skuId, quantity: north, locationId: SECOND_LOCATION });
  await stack.runner.add({ ...ctx, skuId, quantity: initial - north });
}

interface LocationRow {
  sku_id: string;
  location_id: string;
  total: number | null;
  reserved: number | null;
}

/**
 * Per location: never reserved beyond total + backorderLimit, never a negative reservation, and
 * MariaDB's row of every location other than `default` equal to Redis once quiet.
 */
export async function checkLocations(stack: TestStack, skuIds: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const rows: LocationRow[] = await stack.knex('inventory_stock_location').whereIn('sku_id', [...skuIds]);
  const durable = new Map(rows.map((r) => [`${r.sku_id}@${r.location_id}`, r]));
  for (const skuId of skuIds) {
    const live: LocationStock[] = await readSkuLocations(stack.redis, stack.runner.layout, skuId);
    for (const l of live) {
      const where = `${skuId}@${l.locationId}`;
      if (l.reserved < 0 || l.reserved > l.total + l.backorderLimit)
        violations.push(`${where}: oversold at the location ${JSON.stringify(l)}`);
      if (l.locationId === 'default') continue;
      const row = durable.get(where);
      if (!row || row.total !== l.total || row.reserved !== l.reserved)
        violations.push(
          `${where}: MariaDB ${JSON.stringify(row ?? null)} differs from Redis ${JSON.stringify(l)}`,
        );
    }
  }
  return violations;
}
