import type { StockResult } from '../stock.types.js';
import { intError, STOCK_LIMITS } from '../stock.validation.js';
import { contextArgs, rejected, type StockCommand } from './command.js';
import { checkOrder, type OrderInput, validOrderId } from './order.js';

/**
 * extend: move a RESERVED order's deadline to now + ttlSeconds (POST /reservations/{orderId}/extend;
 * docs/locations.md, "Extend"). It touches only the order's record and deadline, so it runs on
 * whichever shard holds the record, a cross-shard order's coordinator included. Script:
 * lua/extend.lua.
 */

export interface ExtendInput extends OrderInput {
  /** The new time to live from now, 1 s … the reservation TTL limit. */
  ttlSeconds: number;
}

export type ExtendOutcome = StockResult<
  'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED' | 'ALREADY_CONFIRMED'
>;

export const extend: StockCommand<ExtendInput, ExtendOutcome> = {
  action: 'extend',
  reservationOf: validOrderId,
  recordOnly: true,
  plan(pc, input) {
    const invalid = checkOrder(input);
    if (invalid) return invalid;
    const ttlError = intError(input.ttlSeconds, 'ttlSeconds', 1, STOCK_LIMITS.maxTtlSeconds);
    if (ttlError) return rejected('INVALID_ORDER', [ttlError]);
    const eventId = input.eventId ?? pc.newId();
    return {
      action: 'extend',
      keys: [pc.keys.reservation(input.orderId), pc.keys.deadlines, pc.keys.journal, pc.keys.restored],
      args: [pc.now, pc.now + input.ttlSeconds * 1000, ...contextArgs(input, eventId), input.orderId],
    };
  },
};
