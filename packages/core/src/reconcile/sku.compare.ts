import type { RawSkuFields } from './reconcile.script.js';
import type { SkuCounters, SkuDriftKind } from './reconcile.types.js';

/** The SKU hash fields reconcile reads, in the order the CAS script expects them. */
export const SKU_FIELDS = ['total', 'reserved', 'version'] as const;

/** A hash (HGETALL) as HMGET of SKU_FIELDS would return it: what the CAS script compares. */
export function rawSkuFields(hash: Record<string, string>): RawSkuFields {
  return SKU_FIELDS.map((name) => hash[name] ?? null);
}

/** Counters from an HMGET reply; null when the hash has no total (the SKU is absent). */
export function toCounters(raw: RawSkuFields): SkuCounters | null {
  const [total = null, reserved = null, version = null] = raw;
  if (total === null) return null;
  // A non-numeric field becomes NaN, which differs from every MariaDB value: reported as drift.
  return { total: Number(total), reserved: Number(reserved ?? 0), version: Number(version ?? 0) };
}

/** How the two stores disagree about one SKU, or null when they agree. */
export function skuDriftKind(redis: SkuCounters | null, mariadb: SkuCounters | null): SkuDriftKind | null {
  if (redis === null && mariadb === null) return null;
  if (redis === null) return 'sku-missing-in-redis';
  if (mariadb === null) return 'sku-missing-in-mariadb';
  const same =
    redis.total === mariadb.total && redis.reserved === mariadb.reserved && redis.version === mariadb.version;
  return same ? null : 'sku-mismatch';
}

// Key patterns live with the key builders; re-exported for reconcile's callers.
export { escapeGlob, skuIdOfStockKey, stockKeyPattern } from '../stock/stock.keys.js';

/** The version a repair writes: above both stores', so neither a stale journal entry nor Redis' own wins. */
export function repairedVersion(redis: SkuCounters | null, mariadb: SkuCounters): number {
  const live = redis !== null && Number.isSafeInteger(redis.version) ? redis.version : 0;
  return Math.max(live, mariadb.version) + 1;
}
