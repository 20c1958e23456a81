import { crc32 } from 'node:zlib';
import {
  createStockKeys,
  escapeGlob,
  type StockKeys,
  skuIdOfStockKey,
  stockKeyPattern,
} from './stock.keys.js';

/**
 * Logical shards of the live store (docs/sharding.md). A SKU belongs to shard
 * `crc32(utf8(skuId)) mod N`; each shard's keys share one hash tag, so one Redis Cluster slot, so
 * one script may touch all of them. With one shard on a single Redis the keys are the unsharded
 * ones (stock.keys.ts), so a deployment that does not shard changes nothing.
 */

export const MAX_STOCK_SHARDS = 1024;

export interface ShardLayout {
  readonly count: number;
  /** The shard holding a SKU's stock hash. */
  shardOfSku(skuId: string): number;
  /** Where a cross-shard order's coordinator lives. */
  homeShardOf(orderId: string): number;
  /** The keys of one shard. */
  keys(shard: number): StockKeys;
  /** SCAN MATCH pattern of every SKU hash of every shard. */
  readonly stockKeyPattern: string;
  /** The skuId of a SKU hash key of any shard, or null for any other key. */
  skuIdOfKey(key: string): string | null;
}

/** CRC-32 (ISO-HDLC, as zlib) of the UTF-8 bytes, mod `count`: the same in every process. */
export function shardOf(id: string, count: number): number {
  return count === 1 ? 0 : crc32(id) % count;
}

export interface ShardLayoutOptions {
  prefix: string;
  count: number;
  /** A Redis Cluster needs hash-tagged keys even for one shard. */
  cluster?: boolean;
}

/** The keys of shard `s`: `P{s<s>}:stock:<skuId>`, `P{s<s>}:journal`, …, all in one slot. */
export function createShardKeys(prefix: string, shard: number): StockKeys {
  const base = createStockKeys(prefix); // validates the prefix
  const tagged = `${base.prefix}{s${shard}}:`;
  return {
    prefix: tagged,
    stock: (skuId) => `${tagged}stock:${skuId}`,
    reservation: (orderId) => `${tagged}reservation:${orderId}`,
    part: (orderId) => `${tagged}part:${orderId}`,
    idempotency: (key) => `${tagged}idem:${key}`,
    deadlines: `${tagged}deadlines`,
    journal: `${tagged}journal`,
    restored: `${tagged}restored`,
    locations: `${tagged}locations`,
    stockPattern: `${escapeGlob(`${tagged}stock:`)}*`,
    skuIdOf: (key) => (key.startsWith(`${tagged}stock:`) ? key.slice(tagged.length + 6) : null),
  };
}

export function createShardLayout(options: ShardLayoutOptions): ShardLayout {
  const { prefix, count } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_STOCK_SHARDS) {
    throw new RangeError(`STOCK_SHARDS must be an integer from 1 to ${MAX_STOCK_SHARDS}, got ${count}`);
  }
  const unsharded = count === 1 && !options.cluster;
  const keys = Array.from({ length: count }, (_, shard) =>
    unsharded ? createStockKeys(prefix) : createShardKeys(prefix, shard),
  );
  const tagged = `${prefix}{s`;
  const stockInfix = '}:stock:';
  return {
    count,
    stockKeyPattern: unsharded ? stockKeyPattern(prefix) : `${escapeGlob(tagged)}*${escapeGlob(stockInfix)}*`,
    skuIdOfKey(key) {
      if (unsharded) return skuIdOfStockKey(prefix, key);
      if (!key.startsWith(tagged)) return null;
      const end = key.indexOf(stockInfix, tagged.length);
      if (end < 0 || !/^\d+$/.test(key.slice(tagged.length, end))) return null;
      return key.slice(end + stockInfix.length);
    },
    shardOfSku: (skuId) => shardOf(skuId, count),
    homeShardOf: (orderId) => shardOf(orderId, count),
    keys(shard) {
      const found = keys[shard];
      if (found === undefined) throw new RangeError(`no shard ${shard} of ${count}`);
      return found;
    },
  };
}
