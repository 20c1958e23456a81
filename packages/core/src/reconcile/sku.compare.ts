import type { RawSkuFields } from './reconcile.script.js';
import type { SkuCounters, SkuDriftKind } from './reconcile.types.js';

/** The SKU hash fields reconcile reads, in the order the CAS script expects them. */
export const SKU_FIELDS = ['total', 'reserved', 'version'] as const;

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

/** Glob metacharacters of Redis' MATCH, escaped so the text matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\{}]/g, '\\$&');
}

/**
 * MATCH pattern of every SKU hash under a prefix: `P{*}:stock`. The prefix and the hash-tag braces
 * are escaped so they only ever match themselves; the braces must never be read as a hash tag
 * (which would pin a cluster-aware SCAN to one slot), and `*` is the only wildcard left.
 */
export function stockKeyPattern(prefix: string): string {
  return `${escapeGlob(prefix)}${escapeGlob('{')}*${escapeGlob('}')}:stock`;
}

/** The skuId of a key built by `keys.stock(skuId)`, or null for any other key. */
export function skuIdOfStockKey(prefix: string, key: string): string | null {
  const head = `${prefix}{`;
  const tail = '}:stock';
  if (key.length < head.length + tail.length) return null;
  return key.startsWith(head) && key.endsWith(tail) ? key.slice(head.length, key.length - tail.length) : null;
}

/** The version a repair writes: above both stores', so neither a stale journal entry nor Redis' own wins. */
export function repairedVersion(redis: SkuCounters | null, mariadb: SkuCounters): number {
  const live = redis !== null && Number.isSafeInteger(redis.version) ? redis.version : 0;
  return Math.max(live, mariadb.version) + 1;
}
