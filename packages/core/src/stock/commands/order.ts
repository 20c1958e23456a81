import type { CommandContext, InputRejected, OrderIdType } from '../stock.types.js';
import { assertContext, orderIdErrors } from '../stock.validation.js';
import { contextArgs, type PlanContext, rejected, type ScriptPlan } from './command.js';

/** What confirm, release and expire share: they act on an order's reservation record. */

export interface OrderInput extends CommandContext {
  /** Decimal (or free-text) id as a string: never a JS number, so ids above 2^53 stay exact. */
  orderId: string;
  orderIdType: OrderIdType;
}

export function checkOrder(input: OrderInput): InputRejected | null {
  assertContext(input);
  const errors = orderIdErrors(input.orderId, input.orderIdType);
  return errors.length > 0 ? rejected('INVALID_ORDER', errors) : null;
}

/** The order's record to read first, unless the input is invalid (then nothing is read). */
export function validOrderId(input: OrderInput): string | undefined {
  return checkOrder(input) === null ? input.orderId : undefined;
}

/**
 * The layout of lua/confirm.lua, release.lua and expire.lua: `skuIds` are the record's items as
 * read just before (the script checks them and answers STALE_KEYS on a mismatch).
 */
export function planOrderScript(
  pc: PlanContext,
  action: 'confirm' | 'release' | 'expire',
  input: CommandContext & { orderId: string; orderIdType: string; reason?: string },
  skuIds: readonly string[],
): ScriptPlan {
  const eventId = input.eventId ?? pc.newId();
  const keys = [pc.keys.reservation(input.orderId), pc.keys.deadlines, pc.keys.journal];
  const args: (string | number)[] = [pc.now, pc.settings.finishedTtlSeconds, ...contextArgs(input, eventId)];
  args.push(input.orderId, input.orderIdType, input.reason ?? '');
  for (const skuId of skuIds) {
    keys.push(pc.keys.stock(skuId));
    args.push(skuId);
  }
  keys.push(pc.keys.restored);
  return { action, keys, args };
}
