import type { CommandContext, FieldError, InputRejected } from '../stock.types.js';
import { assertContext, intError, quantityError, skuIdError } from '../stock.validation.js';
import { contextArgs, type PlanContext, rejected, type ScriptPlan } from './command.js';

/** The layout set, add and decrease share (lua/set.lua, add.lua, decrease.lua). */

export interface AdjustmentInput extends CommandContext {
  skuId: string;
  /** A retry with the same key returns the first outcome. Callers namespace it (e.g. by actor). */
  idempotencyKey?: string;
  reason?: string;
}

/** `amount` is the new total (set) or the quantity (add, decrease). */
export function planAdjustment(
  pc: PlanContext,
  action: 'set' | 'add' | 'decrease',
  input: AdjustmentInput & { expectedVersion?: number },
  amount: number,
): ScriptPlan | InputRejected {
  assertContext(input);
  const skuError = skuIdError(input.skuId, 'skuId');
  if (skuError) return rejected('INVALID_SKU_ID', [skuError]);
  const expected = input.expectedVersion;
  const errors = [
    action === 'set'
      ? intError(amount, 'total', 0, Number.MAX_SAFE_INTEGER)
      : quantityError(amount, 'quantity'),
    expected === undefined ? null : intError(expected, 'expectedVersion', 0, Number.MAX_SAFE_INTEGER),
  ].filter((e): e is FieldError => e !== null);
  if (errors.length > 0) return rejected('INVALID_QUANTITY', errors);
  const eventId = input.eventId ?? pc.newId();
  const key = input.idempotencyKey;
  const args = [pc.now, pc.settings.idempotencyTtlSeconds, ...contextArgs(input, eventId), input.skuId];
  args.push(amount, input.reason ?? '', key ?? '');
  if (action === 'set') args.push(expected === undefined ? '' : expected);
  return {
    action,
    // Without a caller key the call is still idempotent by its eventId.
    keys: [
      pc.keys.stock(input.skuId),
      pc.keys.idempotency(key ?? `event:${eventId}`),
      pc.keys.journal,
      pc.keys.restored,
    ],
    args,
    skuId: input.skuId,
  };
}
