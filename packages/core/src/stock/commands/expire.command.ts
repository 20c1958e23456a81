import type { CommandContext, StockResult } from '../stock.types.js';
import type { StockCommand } from './command.js';
import { planOrderScript } from './order.js';

/**
 * expire: release a reservation whose deadline has passed. Script: lua/expire.lua. Only the
 * runner's sweep (expireDue) runs it, with order ids read from the deadline set.
 */

export interface ExpireInput extends CommandContext {
  orderId: string;
  /** The shard whose deadline set listed the order. */
  shard: number;
}

export type ExpireOutcome = StockResult<
  'NOT_DUE' | 'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED' | 'ALREADY_CONFIRMED'
>;

export const expire: StockCommand<ExpireInput, ExpireOutcome> = {
  action: 'expire',
  shardOf: (_layout, input) => input.shard,
  reservationOf: (input) => input.orderId,
  // The script keeps the reservation's own correlationId and orderIdType ('' here is unused).
  plan: (pc, input, reservedSkus) =>
    planOrderScript(pc, 'expire', { ...input, orderIdType: '' }, reservedSkus),
};
