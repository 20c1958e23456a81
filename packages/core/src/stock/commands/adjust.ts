import type { CommandContext, FieldError, InputRejected } from '../stock.types.js';
import {
  assertContext,
  intError,
  locationIdError,
  quantityError,
  STOCK_LIMITS,
  skuIdError,
} from '../stock.validation.js';
import { contextArgs, type PlanContext, rejected, type ScriptPlan } from './command.js';

/** The layout set, add and decrease share (lua/set.lua, add.lua, decrease.lua). */

export interface AdjustmentInput extends CommandContext {
  skuId: string;
  /** A retry with the same key returns the first outcome. Callers namespace it (e.g. by actor). */
  idempotencyKey?: string;
  reason?: string;
  /** The location it acts on; absent: `default` (docs/locations.md). */
  locationId?: string;
}

/** set's location settings (docs/locations.md); absent: unchanged. */
export interface LocationSettings {
  safetyStock?: number;
  backorderLimit?: number;
}

/**
 * `amount` is the new total (set; undefined keeps it, only with a location) or the quantity (add,
 * decrease, transfer). `extra` is ARGV after the idempotency key, as the script's header gives it.
 */
export function planAdjustment(
  pc: PlanContext,
  action: 'set' | 'add' | 'decrease' | 'transfer',
  input: AdjustmentInput & { expectedVersion?: number } & LocationSettings,
  amount: number | undefined,
  extra: (string | number)[] = [input.locationId ?? ''],
): ScriptPlan | InputRejected {
  assertContext(input);
  const skuError = skuIdError(input.skuId, 'skuId');
  if (skuError) return rejected('INVALID_SKU_ID', [skuError]);
  const locError = input.locationId === undefined ? null : locationIdError(input.locationId, 'locationId');
  if (locError) return rejected('INVALID_LOCATION', [locError]);
  const expected = input.expectedVersion;
  const max = Number.MAX_SAFE_INTEGER;
  const errors = [
    action !== 'set'
      ? quantityError(amount, 'quantity')
      : amount === undefined && input.locationId !== undefined
        ? null
        : intError(amount, 'total', 0, max),
    expected === undefined ? null : intError(expected, 'expectedVersion', 0, max),
    input.safetyStock === undefined
      ? null
      : intError(input.safetyStock, 'safetyStock', 0, STOCK_LIMITS.maxTotal),
    input.backorderLimit === undefined
      ? null
      : intError(input.backorderLimit, 'backorderLimit', 0, STOCK_LIMITS.maxQuantity),
  ].filter((e): e is FieldError => e !== null);
  if (
    action === 'set' &&
    amount === undefined &&
    input.safetyStock === undefined &&
    input.backorderLimit === undefined
  )
    errors.push({
      field: 'total',
      value: undefined,
      reason: 'give at least one of total, safetyStock, backorderLimit',
    });
  if (errors.length > 0) return rejected('INVALID_QUANTITY', errors);
  const eventId = input.eventId ?? pc.newId();
  const key = input.idempotencyKey;
  const args = [pc.now, pc.settings.idempotencyTtlSeconds, ...contextArgs(input, eventId), input.skuId];
  args.push(amount ?? '', input.reason ?? '', key ?? '', ...extra);
  return {
    action,
    // Without a caller key the call is still idempotent by its eventId.
    keys: [
      pc.keys.stock(input.skuId),
      pc.keys.idempotency(key ?? `event:${eventId}`),
      pc.keys.journal,
      pc.keys.locations,
      pc.keys.restored,
    ],
    args,
    skuId: input.skuId,
  };
}
