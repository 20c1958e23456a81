import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../redis/redis.groups.js';
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
 * On a Redis Cluster the walk goes master by master (ordered by address), and the cursor carries
 * both: `node cursor × NODE_SLOTS + master index`. A node's SCAN cursor indexes its hash table
 * (below 2^40 even for a trillion keys), so the product stays within the 20 digits callers send.
 */
const NODE_SLOTS = 1024n;

interface Position {
  node: number;
  cursor: string;
}

const decode = (cursor: string): Position => {
  const n = BigInt(cursor);
  return { node: Number(n % NODE_SLOTS), cursor: String(n / NODE_SLOTS) };
};
const encode = (p: Position): string => String(BigInt(p.cursor) * NODE_SLOTS + BigInt(p.node));

/**
 * One page of every SKU under the prefix, by SCAN over the SKU hashes: the live values, the same
 * ones the reads answer (MariaDB's snapshot lags the journal and may be down). SCAN's contract
 * holds: a SKU that exists for the whole walk is listed at least once; one may be listed twice
 * (callers de-duplicate). A page may hold somewhat more than `limit` (a SCAN reply cannot be cut
 * without losing keys) or, in a keyspace of mostly other keys, fewer or none: follow `nextCursor`
 * until it is null.
 */
export async function scanSkus(
  redis: RedisClient,
  layout: ShardLayout,
  read: (skuIds: string[]) => Promise<(SkuState | null)[]>,
  cursor: string,
  limit: number,
): Promise<SkuPage> {
  if (!scanCursorPattern.test(cursor)) throw new RangeError(`not a SCAN cursor: ${cursor}`);
  const pattern = layout.stockKeyPattern;
  const nodes: Redis[] = isCluster(redis)
    ? redis.nodes('master').sort((x, y) => address(x).localeCompare(address(y)))
    : [redis];
  const found = new Set<string>();
  let at: Position | null = nodes.length > 1 ? decode(cursor) : { node: 0, cursor };
  for (let round = 0; round < maxRounds && at !== null; round += 1) {
    const node: Redis | undefined = nodes[at.node];
    if (!node) throw new RangeError(`not a SCAN cursor of this store: ${cursor}`);
    const [after, batch]: [string, string[]] = await node.scan(at.cursor, 'MATCH', pattern, 'COUNT', limit);
    for (const key of batch) {
      const skuId = layout.skuIdOfKey(key);
      if (skuId !== null) found.add(skuId);
    }
    // A node's walk ends at '0': the next master's begins, until the last one's ends.
    if (after !== '0') at = { node: at.node, cursor: after };
    else at = at.node + 1 < nodes.length ? { node: at.node + 1, cursor: '0' } : null;
    if (found.size >= limit) break;
  }
  const skuIds = [...found];
  // A SKU deleted between SCAN and the read is simply not listed.
  const items = (await read(skuIds)).filter((s): s is SkuState => s !== null);
  const nextCursor = at === null ? null : nodes.length > 1 ? encode(at) : at.cursor;
  return { items, nextCursor };
}

const address = (node: Redis) => `${node.options.host}:${node.options.port}`;
