import type { IdempotencyReuse, StockResult } from '../stock.types.js';
import { type AdjustmentInput, planAdjustment } from './adjust.js';
import { type StockCommand, skuShard } from './command.js';

/** add: stock in, total += quantity (an unknown SKU is created). Script: lua/add.lua. */

export interface AdjustInput extends AdjustmentInput {
  /** 1…1,000,000,000. */
  quantity: number;
}

export type AddOutcome = StockResult<'TOTAL_LIMIT' | 'LOCATION_NOT_FOUND' | IdempotencyReuse>;

export const add: StockCommand<AdjustInput, AddOutcome> = {
  action: 'add',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan: (pc, input) => planAdjustment(pc, 'add', input, input.quantity),
};
