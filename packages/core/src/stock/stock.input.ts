import { isLosslessNumber, isSafeNumber } from 'lossless-json';
import { z } from 'zod';
import {
  DECIMAL_ORDER_ID,
  isBoundedText,
  LOCATION_ID_PATTERN,
  quantityError,
  STOCK_LIMITS,
} from './stock.validation.js';

/**
 * The input rules of an order, once: how a JSON value becomes an orderId, a skuId, a quantity or an
 * order's items. The HTTP schemas and the Kafka parser both compose these zod pieces, so an order
 * the API accepts is one the worker accepts, with the same values (a property test feeds both).
 * Numbers arrive as the JSON parsers hand them over: a `number`, or a LosslessNumber holding the
 * digits of one a double cannot hold exactly.
 */

/** An orderId as the core takes it: digits or text as a string, and the JSON type it came in. */
export interface OrderRef {
  orderId: string;
  orderIdType: 'number' | 'string';
}

const NUMERIC_SKU_ID = /^(0|[1-9][0-9]*)$/;

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * The canonical text of a JSON number: what a double holds exactly is written as JavaScript writes
 * it (`1.0e3` and `1000` are both "1000"), anything else keeps its digits as sent.
 */
function numberText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (!isLosslessNumber(value)) return undefined;
  return isSafeNumber(value.value) ? String(Number(value.value)) : value.value;
}

export function readOrderId(value: unknown): Read<OrderRef> {
  const max = STOCK_LIMITS.maxOrderIdLength;
  if (typeof value === 'string') {
    return isBoundedText(value, max)
      ? { ok: true, value: { orderId: value, orderIdType: 'string' } }
      : { ok: false, reason: `must be 1..${max} characters without control characters` };
  }
  const digits = numberText(value);
  if (digits === undefined) return { ok: false, reason: 'must be a string or an integer' };
  return DECIMAL_ORDER_ID.test(digits)
    ? { ok: true, value: { orderId: digits, orderIdType: 'number' } }
    : { ok: false, reason: 'must be an integer of up to 20 digits' };
}

/** A skuId is text of 1..128 characters without control characters, or a non-negative integer. */
export function readSkuId(value: unknown): Read<string> {
  const max = STOCK_LIMITS.maxSkuIdLength;
  if (typeof value === 'string') {
    return isBoundedText(value, max)
      ? { ok: true, value }
      : { ok: false, reason: `must be 1..${max} characters without control characters` };
  }
  const digits = numberText(value);
  if (digits !== undefined && NUMERIC_SKU_ID.test(digits) && digits.length <= max)
    return { ok: true, value: digits };
  return { ok: false, reason: `must be a string of 1..${max} characters or a non-negative integer` };
}

/** A quantity is the runner's (`quantityError`), read from the number as either parser hands it over. */
export function readQuantity(value: unknown): Read<number> {
  const text = numberText(value);
  const quantity = text === undefined ? Number.NaN : Number(text);
  const error = quantityError(quantity, 'quantity');
  return error === null ? { ok: true, value: quantity } : { ok: false, reason: error.reason };
}

function fromReader<T>(read: (value: unknown) => Read<T>) {
  return z.unknown().transform((value, ctx): T => {
    const result = read(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason, input: value });
    return z.NEVER;
  });
}

/**
 * The control-character rule as a JSON Schema pattern, for the documents (lone surrogates are left
 * out: a pattern cannot name them portably).
 */
export const NO_CONTROL_CHARACTERS_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
const text = (max: number) => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: NO_CONTROL_CHARACTERS_PATTERN,
});
// The largest double below 10^20: JSON Schema validators compare numbers as doubles.
const largestBelow1e20 = 1e20 - 16_384;

// Each piece carries its JSON Schema (for the OpenAPI document): the reader is what enforces it.
export const orderIdInput = fromReader(readOrderId).meta({
  description: 'A JSON integer of up to 20 digits (kept exact above 2^53) or a string of 1..128 characters',
  anyOf: [
    { type: 'integer', minimum: -largestBelow1e20, maximum: largestBelow1e20, example: 1001 },
    text(STOCK_LIMITS.maxOrderIdLength),
  ],
});
export const skuIdInput = fromReader(readSkuId).meta({
  description:
    'SKU id: free text (non-ASCII allowed), 1..128 characters, no control characters; or an integer',
  anyOf: [
    { ...text(STOCK_LIMITS.maxSkuIdLength), example: 'ELEC-20260125-AB12-Black-M' },
    { type: 'integer', minimum: 0 },
  ],
});
export const quantityInput = fromReader(readQuantity).meta({
  type: 'integer',
  minimum: STOCK_LIMITS.minQuantity,
  maximum: STOCK_LIMITS.maxQuantity,
  example: 2,
});

const itemsReason = `must be a non-empty array of {skuId, quantity}`;

/**
 * An order's items as sent: 1..1000 entries, at most 100 distinct SKUs. A SKU listed twice is
 * kept twice here; the runner adds the quantities up.
 */
/** A stock location id (docs/locations.md); the same rule as the runner's (stock.validation.ts). */
export const locationIdInput = z
  .string({ error: 'must be a location id' })
  .regex(
    LOCATION_ID_PATTERN,
    'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .meta({ description: 'A stock location id', example: 'berlin' });

export const orderItemsInput = z
  .array(
    z.object({
      skuId: skuIdInput,
      quantity: quantityInput,
      locationId: locationIdInput
        .optional()
        .meta({ description: 'Take this item from this location only; absent: sourced by priority' }),
    }),
    { error: itemsReason },
  )
  .min(1, itemsReason)
  .max(STOCK_LIMITS.maxOrderItems, `must hold at most ${STOCK_LIMITS.maxOrderItems} items`)
  .refine(
    (items) => new Set(items.map((item) => item.skuId)).size <= STOCK_LIMITS.maxDistinctSkus,
    `at most ${STOCK_LIMITS.maxDistinctSkus} distinct SKUs`,
  );
