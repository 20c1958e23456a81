import type { IdempotencyReuse, StockResult } from '../stock.types.js';
import { locationIdError } from '../stock.validation.js';
import { type AdjustmentInput, planAdjustment } from './adjust.js';
import { rejected, type StockCommand, skuShard } from './command.js';

/**
 * transfer: move units of a SKU between two of its locations in one script, with a ledger row on
 * each side; the SKU's total does not change (docs/locations.md, "Transfers"). Script:
 * lua/transfer.lua.
 */

export interface TransferInput extends Omit<AdjustmentInput, 'locationId'> {
  fromLocationId: string;
  toLocationId: string;
  /** 1…1,000,000,000; the source's available must cover it. */
  quantity: number;
}

export type TransferOutcome = StockResult<
  'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'LOCATION_NOT_FOUND' | IdempotencyReuse
>;

export const transfer: StockCommand<TransferInput, TransferOutcome> = {
  action: 'transfer',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan(pc, input) {
    const errors = [
      locationIdError(input.fromLocationId, 'fromLocationId'),
      locationIdError(input.toLocationId, 'toLocationId'),
    ].filter((e) => e !== null);
    if (errors.length === 0 && input.fromLocationId === input.toLocationId)
      errors.push({
        field: 'toLocationId',
        value: input.toLocationId,
        reason: 'must differ from fromLocationId',
      });
    if (errors.length > 0) return rejected('INVALID_LOCATION', errors);
    return planAdjustment(pc, 'transfer', input, input.quantity, [input.fromLocationId, input.toLocationId]);
  },
};
