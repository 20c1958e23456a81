import { createHash } from 'node:crypto';
import type { CommandContext, IdempotencyReuse, StockResult } from '../stock.types.js';
import { assertContext, checkBulkItems } from '../stock.validation.js';
import { contextArgs, firstItemShard, itemsOffShard, rejected, type StockCommand } from './command.js';

/**
 * bulk: up to 1000 absolute totals and deltas in one script call, all applied or none (failedItems
 * lists every failure). Script: lua/bulk.lua. Without a caller key the call is idempotent by its
 * eventId, as the single adjustments are.
 */

/** One line of a bulk adjustment: an absolute total (0…10^12) or a non-zero delta (|delta| ≤ 10^9). */
export type BulkItem = { skuId: string; total: number } | { skuId: string; delta: number };

export interface BulkInput extends CommandContext {
  /** 1…1000 items, each SKU once; applied all together or not at all. */
  items: BulkItem[];
  /** A retry with the same key (and the same items) returns the first outcome. */
  idempotencyKey?: string;
  reason?: string;
}

export type BulkOutcome = StockResult<
  'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'BELOW_RESERVED' | 'TOTAL_LIMIT' | IdempotencyReuse
>;

export const bulk: StockCommand<BulkInput, BulkOutcome> = {
  action: 'bulk',
  shardOf: (layout, input) => firstItemShard(layout, input.items),
  plan(pc, input) {
    assertContext(input);
    const checked = checkBulkItems(input.items);
    if (!checked.ok) return rejected('INVALID_BULK', checked.errors);
    const elsewhere = itemsOffShard(
      pc,
      checked.items.map((i) => i.skuId),
    );
    if (elsewhere.length > 0) {
      // All or none holds within one shard's script; the caller splits a bulk by shard.
      const reason = `items span shards: ${elsewhere.slice(0, 5).join(', ')} are not on the first item's shard`;
      return rejected('INVALID_BULK', [{ field: 'items', value: elsewhere, reason }]);
    }
    const eventId = input.eventId ?? pc.newId();
    const key = input.idempotencyKey;
    const triples = checked.items.flatMap((i) => [i.skuId, i.mode, i.amount]);
    const digest = createHash('sha256').update(JSON.stringify(triples)).digest('base64url');
    const keys = [pc.keys.idempotency(key ?? `event:${eventId}`), pc.keys.journal];
    const args = [pc.now, pc.settings.idempotencyTtlSeconds, ...contextArgs(input, eventId)];
    args.push(input.reason ?? '', key ?? '', digest, ...triples);
    for (const item of checked.items) keys.push(pc.keys.stock(item.skuId));
    keys.push(pc.keys.restored);
    return { action: 'bulk', keys, args, digest };
  },
};
