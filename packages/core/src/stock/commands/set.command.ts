import type { IdempotencyReuse, StockResult } from '../stock.types.js';
import { type AdjustmentInput, planAdjustment } from './adjust.js';
import { type StockCommand, skuShard } from './command.js';

/** set: make a SKU's total an absolute value (creates an absent SKU). Script: lua/set.lua. */

export interface SetInput extends AdjustmentInput {
  /** Absolute total, 0…10^12 (above: TOTAL_LIMIT). */
  total: number;
  /** Apply only at this version (0 = the SKU must not exist yet). */
  expectedVersion?: number;
}

export type SetOutcome = StockResult<
  'VERSION_CONFLICT' | 'TOTAL_LIMIT' | 'BELOW_RESERVED' | IdempotencyReuse
>;

export const set: StockCommand<SetInput, SetOutcome> = {
  action: 'set',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan: (pc, input) => planAdjustment(pc, 'set', input, input.total),
};
