import type { IdempotencyReuse, StockResult } from '../stock.types.js';
import type { AdjustInput } from './add.command.js';
import { planAdjustment } from './adjust.js';
import { type StockCommand, skuShard } from './command.js';

/** decrease: stock out, total -= quantity when that much is available (not reserved). Script: lua/decrease.lua. */

export type DecreaseOutcome = StockResult<
  'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'LOCATION_NOT_FOUND' | IdempotencyReuse
>;

export const decrease: StockCommand<AdjustInput, DecreaseOutcome> = {
  action: 'decrease',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan: (pc, input) => planAdjustment(pc, 'decrease', input, input.quantity),
};
