import { pipelineInGroups, type RedisClient, scanNodes } from '../redis/redis.groups.js';
import { availableAtLocation } from './stock.available.js';
import type { ShardLayout } from './stock.shards.js';
import { DEFAULT_LOCATION } from './stock.types.js';

/**
 * Stock per location in the live store (docs/locations.md): the registry of active locations that
 * the scripts source from, and a SKU hash read per location. The layout of the hash is the one
 * lua/includes/locations.lua reads and writes.
 */

export interface LocationEntry {
  locationId: string;
  /** Sourcing order: lower first, ties by id. */
  priority: number;
  active: boolean;
}

/** One location's stock of a SKU. */
export interface LocationStock {
  locationId: string;
  total: number;
  reserved: number;
  safetyStock: number;
  backorderLimit: number;
  /** total − reserved − safetyStock; below 0 only by a backorder (or a raised safety stock). */
  available: number;
}

/**
 * Replaces one registry hash with the active locations (and `default`, always active), so a
 * registry rebuilt from the durable list converges whatever it held before. One MULTI: a script
 * sees the old registry or the new one, never half of it.
 */
export async function replaceRegistry(
  redis: RedisClient,
  key: string,
  locations: readonly LocationEntry[],
): Promise<void> {
  const active = locations.filter((l) => l.active && l.locationId !== DEFAULT_LOCATION);
  const defaultPriority = locations.find((l) => l.locationId === DEFAULT_LOCATION)?.priority ?? 0;
  const fields = [DEFAULT_LOCATION, defaultPriority, ...active.flatMap((l) => [l.locationId, l.priority])];
  await redis
    .multi()
    .del(key)
    .hset(key, ...fields)
    .exec();
}

/** Replaces every shard's registry (replaceRegistry on each). */
export async function publishLocations(
  redis: RedisClient,
  layout: ShardLayout,
  locations: readonly LocationEntry[],
): Promise<void> {
  await Promise.all(
    Array.from({ length: layout.count }, (_, shard) =>
      replaceRegistry(redis, layout.keys(shard).locations, locations),
    ),
  );
}

/** The active locations (id → priority) of one shard's registry; only `default` before any was created. */
export async function readRegistry(
  redis: RedisClient,
  layout: ShardLayout,
  shard = 0,
): Promise<Map<string, number>> {
  const hash = await redis.hgetall(layout.keys(shard).locations);
  const entries = Object.entries(hash).map(([id, priority]) => [id, Number(priority)] as const);
  return new Map(entries.length > 0 ? entries : [[DEFAULT_LOCATION, 0]]);
}

/**
 * A SKU hash per location, sorted by id: `t:<id>`/`r:<id>` for the locations other than `default`
 * (which holds the SKU's total and reserved minus theirs), `ss:<id>`/`bo:<id>` for any. Empty for
 * an absent SKU.
 */
export function locationsOfHash(hash: Record<string, string>): LocationStock[] {
  if (hash.total === undefined) return [];
  const byId = new Map<string, Omit<LocationStock, 'available'>>();
  const at = (locationId: string) => {
    let loc = byId.get(locationId);
    if (!loc) {
      loc = { locationId, total: 0, reserved: 0, safetyStock: 0, backorderLimit: 0 };
      byId.set(locationId, loc);
    }
    return loc;
  };
  const home = at(DEFAULT_LOCATION);
  home.total = Number(hash.total);
  home.reserved = Number(hash.reserved ?? 0);
  const field = { t: 'total', r: 'reserved', ss: 'safetyStock', bo: 'backorderLimit' } as const;
  for (const [name, value] of Object.entries(hash)) {
    const match = /^(t|r|ss|bo):(.+)$/.exec(name);
    const kind = match?.[1] as keyof typeof field | undefined;
    const id = match?.[2];
    if (!kind || !id || (id === DEFAULT_LOCATION && (kind === 't' || kind === 'r'))) continue;
    at(id)[field[kind]] = Number(value);
    if (kind === 't') home.total -= Number(value);
    if (kind === 'r') home.reserved -= Number(value);
  }
  return [...byId.values()]
    .sort((a, b) => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0))
    .map((l) => ({ ...l, available: availableAtLocation(l) }));
}

/**
 * One location's fields of a SKU hash, the inverse of locationsOfHash for that location: `ss:`/`bo:`
 * always, `t:`/`r:` for a location other than `default` (whose counts are the SKU's rest). The
 * SKU's `safety` sum is the caller's: it spans every location.
 */
export function locationHashFields(
  locationId: string,
  figures: Omit<LocationStock, 'locationId' | 'available'>,
): Record<string, number> {
  const fields: Record<string, number> = {
    [`ss:${locationId}`]: figures.safetyStock,
    [`bo:${locationId}`]: figures.backorderLimit,
  };
  if (locationId !== DEFAULT_LOCATION) {
    fields[`t:${locationId}`] = figures.total;
    fields[`r:${locationId}`] = figures.reserved;
  }
  return fields;
}

/** One SKU's stock per location, read from its shard (empty for an absent SKU). */
export async function readSkuLocations(
  redis: RedisClient,
  layout: ShardLayout,
  skuId: string,
): Promise<LocationStock[]> {
  const keys = layout.keys(layout.shardOfSku(skuId));
  return locationsOfHash(await redis.hgetall(keys.stock(skuId)));
}

/** A SKU that still holds stock or reservations at a location. */
export interface HeldAt {
  skuId: string;
  total: number;
  reserved: number;
}

/**
 * The SKUs that hold anything at a location other than `default` (SCAN over every SKU hash, on
 * every master): what a deactivation must find empty. Stops after `limit` hits. O(SKUs): meant for
 * a rare admin command, run after the location left the registry so nothing can move in meanwhile.
 */
export async function findStockAt(
  redis: RedisClient,
  layout: ShardLayout,
  locationId: string,
  limit = 20,
): Promise<HeldAt[]> {
  if (locationId === DEFAULT_LOCATION) throw new Error('the default location is never empty-checked');
  const held: HeldAt[] = [];
  for await (const keys of scanNodes(redis, layout.stockKeyPattern, 1000)) {
    const skus = keys.flatMap((key) => {
      const skuId = layout.skuIdOfKey(key);
      return skuId === null ? [] : [{ key, skuId }];
    });
    // One pipeline per shard: a cluster pipeline must stay in one slot.
    const results = await pipelineInGroups(
      redis,
      skus,
      (s) => layout.shardOfSku(s.skuId),
      (pipeline, s) => pipeline.hmget(s.key, `t:${locationId}`, `r:${locationId}`),
    );
    skus.forEach(({ skuId }, i) => {
      const [error, values] = results[i] ?? [null, null];
      if (error) throw error;
      const [total = 0, reserved = 0] = ((values ?? []) as (string | null)[]).map((v) => Number(v ?? 0));
      if (total !== 0 || reserved !== 0) held.push({ skuId, total, reserved });
    });
    if (held.length >= limit) return held.slice(0, limit);
  }
  return held;
}

/** Many SKUs' stock per location, in the order given (empty for an absent SKU); one pipeline per shard. */
export async function readManySkuLocations(
  redis: RedisClient,
  layout: ShardLayout,
  skuIds: readonly string[],
): Promise<LocationStock[][]> {
  const results = await pipelineInGroups(
    redis,
    skuIds,
    (skuId) => layout.shardOfSku(skuId),
    (pipeline, skuId) => pipeline.hgetall(layout.keys(layout.shardOfSku(skuId)).stock(skuId)),
  );
  return results.map(([error, hash]) => {
    if (error) throw error;
    return locationsOfHash((hash ?? {}) as Record<string, string>);
  });
}
