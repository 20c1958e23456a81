import type { Redis } from 'ioredis';
import type { ShardLayout } from './stock.shards.js';
import type { SkuState } from './stock.types.js';

/** One page of the SKU listing; `nextCursor` is null once the walk is complete. */
export interface SkuPage {
  items: SkuState[];
  nextCursor: string | null;
}

/** SCAN rounds one page may take: bounds a request when few keys of the keyspace are SKUs. */
const maxRounds = 16;

/** A SCAN cursor: an unsigned 64-bit integer in decimal ('0' starts a walk). */
export const scanCursorPattern = /^(0|[1-9][0-9]{0,19})$/;

/**
 * One page of every SKU under the prefix, by SCAN over the SKU hashes: the live values, the same
 * ones the reads answer (MariaDB's snapshot lags the journal and may be down). SCAN's contract
 * holds: a SKU that exists for the whole walk is listed at least once; one may be listed twice
 * (callers de-duplicate). A page may hold somewhat more than `limit` (a SCAN reply cannot be cut
 * without losing keys) or, in a keyspace of mostly other keys, fewer or none: follow `nextCursor`
 * until it is null.
 */
export async function scanSkus(
  redis: Redis,
  layout: ShardLayout,
  read: (skuIds: string[]) => Promise<(SkuState | null)[]>,
  cursor: string,
  limit: number,
): Promise<SkuPage> {
  if (!scanCursorPattern.test(cursor)) throw new RangeError(`not a SCAN cursor: ${cursor}`);
  const pattern = layout.stockKeyPattern;
  const found = new Set<string>();
  let next = cursor;
  for (let round = 0; round < maxRounds; round += 1) {
    const [after, batch] = await redis.scan(next, 'MATCH', pattern, 'COUNT', limit);
    next = after;
    for (const key of batch) {
      const skuId = layout.skuIdOfKey(key);
      if (skuId !== null) found.add(skuId);
    }
    if (next === '0' || found.size >= limit) break;
  }
  const skuIds = [...found];
  // A SKU deleted between SCAN and the read is simply not listed.
  const items = (await read(skuIds)).filter((s): s is SkuState => s !== null);
  return { items, nextCursor: next === '0' ? null : next };
}
