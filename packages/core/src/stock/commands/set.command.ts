import type { IdempotencyReuse, StockResult } from '../stock.types.js';
import { type AdjustmentInput, type LocationSettings, planAdjustment } from './adjust.js';
import { type StockCommand, skuShard } from './command.js';

/**
 * set: make a total absolute (creates an absent SKU). Without a location the SKU's total (its
 * `default` location moves by the difference); with one, that location's total and settings.
 * Script: lua/set.lua.
 */

export interface SetInput extends AdjustmentInput, LocationSettings {
  /** Absolute total, 0…10^12 (above: TOTAL_LIMIT); may be left out when a location is named. */
  total?: number;
  /** Apply only at this version (0 = the SKU must not exist yet). */
  expectedVersion?: number;
}

export type SetOutcome = StockResult<
  'VERSION_CONFLICT' | 'TOTAL_LIMIT' | 'BELOW_RESERVED' | 'LOCATION_NOT_FOUND' | IdempotencyReuse
>;

export const set: StockCommand<SetInput, SetOutcome> = {
  action: 'set',
  shardOf: (layout, input) => skuShard(layout, input.skuId),
  plan: (pc, input) =>
    planAdjustment(pc, 'set', input, input.total, [
      input.expectedVersion ?? '',
      input.locationId ?? '',
      input.safetyStock ?? '',
      input.backorderLimit ?? '',
    ]),
};
