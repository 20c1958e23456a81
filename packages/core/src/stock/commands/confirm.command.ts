import type { StockResult } from '../stock.types.js';
import type { StockCommand } from './command.js';
import { checkOrder, type OrderInput, planOrderScript, validOrderId } from './order.js';

/** confirm: deduct what was reserved for the order from total (order.confirmed). Script: lua/confirm.lua. */

export type ConfirmInput = OrderInput;

export type ConfirmOutcome = StockResult<
  'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED'
>;

export const confirm: StockCommand<ConfirmInput, ConfirmOutcome> = {
  action: 'confirm',
  reservationOf: validOrderId,
  plan: (pc, input, reservedSkus) => checkOrder(input) ?? planOrderScript(pc, 'confirm', input, reservedSkus),
};
