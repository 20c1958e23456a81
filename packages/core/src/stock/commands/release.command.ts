import type { ReleaseReason, StockResult } from '../stock.types.js';
import type { StockCommand } from './command.js';
import { checkOrder, type OrderInput, planOrderScript, validOrderId } from './order.js';

/** release: return what was reserved for the order to available (order.cancelled). Script: lua/release.lua. */

export interface ReleaseInput extends OrderInput {
  reason: ReleaseReason;
}

export type ReleaseOutcome = StockResult<
  'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED' | 'ALREADY_CONFIRMED'
>;

export const release: StockCommand<ReleaseInput, ReleaseOutcome> = {
  action: 'release',
  reservationOf: validOrderId,
  plan: (pc, input, reservedSkus) => checkOrder(input) ?? planOrderScript(pc, 'release', input, reservedSkus),
};
