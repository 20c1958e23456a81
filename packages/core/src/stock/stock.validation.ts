import { StockInputError } from './stock.errors.js';
import type { CommandContext, FieldError, OrderItem } from './stock.types.js';

/** The contract's limits (docs/contract.md §4) and the stock model's total cap. */
export const STOCK_LIMITS = {
  minQuantity: 1,
  maxQuantity: 1_000_000_000,
  maxDistinctSkus: 100,
  maxSkuIdLength: 128,
  maxTotal: 1_000_000_000_000,
  maxOrderIdLength: 128,
  maxTtlSeconds: 30 * 24 * 3600,
  maxContextLength: 512,
  /** Items of one bulk adjustment (one script call, one journal entry). */
  maxBulkItems: 1000,
  /** Entries of one order's items as sent (a SKU may repeat; at most maxDistinctSkus distinct). */
  maxOrderItems: 1000,
} as const;

// C0, DEL and C1 control characters, and lone UTF-16 surrogates (not encodable as UTF-8).
const forbiddenText =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The one rule for ids that become keys, log fields and event payloads (SKU ids, order ids):
 * no control characters and no lone surrogates. The API's schemas and the Kafka parser use it too.
 */
export function hasForbiddenText(value: string): boolean {
  return forbiddenText.test(value);
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Whether text has min..max characters, counted in code points as JSON Schema counts them. */
export function hasLengthWithin(value: string, max: number, min = 1): boolean {
  // UTF-16 length >= code points, so counting code points is only needed above max.
  const length = value.length <= max ? value.length : [...value].length;
  return length >= min && length <= max;
}

/** Text of min..max characters without control characters. */
export function isBoundedText(value: string, max: number, min = 1): boolean {
  return hasLengthWithin(value, max, min) && !hasForbiddenText(value);
}

/** A skuId is 1…128 characters (code points) without control characters. */
export function skuIdError(value: unknown, field: string): FieldError | null {
  if (typeof value !== 'string') return { field, value, reason: 'must be a string' };
  if (hasForbiddenText(value)) return { field, value, reason: 'must not contain control characters' };
  if (!hasLengthWithin(value, STOCK_LIMITS.maxSkuIdLength)) {
    return { field, value, reason: `must be 1..${STOCK_LIMITS.maxSkuIdLength} characters` };
  }
  return null;
}

export function intError(value: unknown, field: string, min: number, max: number): FieldError | null {
  return isInt(value, min, max) ? null : { field, value, reason: `must be an integer ${min}..${max}` };
}

export function quantityError(value: unknown, field: string): FieldError | null {
  return intError(value, field, STOCK_LIMITS.minQuantity, STOCK_LIMITS.maxQuantity);
}

/** A numeric orderId: a decimal integer of up to 20 digits (Java long, and unsigned 64-bit ids too). */
export const DECIMAL_ORDER_ID = /^-?(0|[1-9][0-9]{0,19})$/;
/**
 * A `number` orderId is a decimal integer of up to 20 digits kept as a string (Java long, and
 * unsigned 64-bit ids too); a `string` one is 1…128 characters.
 */
export function orderIdErrors(orderId: unknown, type: unknown): FieldError[] {
  if (type !== 'number' && type !== 'string') {
    return [{ field: 'orderIdType', value: type, reason: "must be 'number' or 'string'" }];
  }
  if (typeof orderId !== 'string') return [{ field: 'orderId', value: orderId, reason: 'must be a string' }];
  if (type === 'number') {
    if (DECIMAL_ORDER_ID.test(orderId)) return [];
    return [{ field: 'orderId', value: orderId, reason: 'must be a decimal integer of up to 20 digits' }];
  }
  if (!isBoundedText(orderId, STOCK_LIMITS.maxOrderIdLength)) {
    return [
      { field: 'orderId', value: orderId, reason: 'must be 1..128 characters without control characters' },
    ];
  }
  return [];
}

export type ItemsCheck = { ok: true; items: OrderItem[] } | { ok: false; errors: FieldError[] };

/** Validates an order's items and merges duplicated SKUs (quantities add, first position kept). */
export function normalizeItems(items: unknown): ItemsCheck {
  if (!Array.isArray(items) || items.length === 0) {
    return { ok: false, errors: [{ field: 'items', value: items, reason: 'must be a non-empty array' }] };
  }
  const errors: FieldError[] = [];
  const merged = new Map<string, number>();
  const locations = new Map<string, string | undefined>();
  items.forEach((item: Partial<OrderItem> | null | undefined, i) => {
    const skuError = skuIdError(item?.skuId, `items[${i}].skuId`);
    const qtyError = quantityError(item?.quantity, `items[${i}].quantity`);
    const locError =
      item?.locationId === undefined ? null : locationIdError(item.locationId, `items[${i}].locationId`);
    for (const error of [skuError, qtyError, locError]) if (error) errors.push(error);
    if (skuError || qtyError || locError || !item) return;
    const skuId = item.skuId as string;
    // The same SKU twice adds up, but only from the same place: one item cannot name two.
    if (merged.has(skuId) && locations.get(skuId) !== item.locationId) {
      errors.push({
        field: `items[${i}].locationId`,
        value: item.locationId ?? null,
        reason: 'differs from an earlier item of the same SKU',
      });
      return;
    }
    merged.set(skuId, (merged.get(skuId) ?? 0) + (item.quantity as number));
    locations.set(skuId, item.locationId);
  });
  if (merged.size > STOCK_LIMITS.maxDistinctSkus) {
    errors.push({
      field: 'items',
      value: merged.size,
      reason: `at most ${STOCK_LIMITS.maxDistinctSkus} distinct SKUs`,
    });
  }
  for (const [skuId, quantity] of merged) {
    const error = quantityError(quantity, `items[skuId=${skuId}].quantity (merged)`);
    if (error) errors.push(error);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    items: [...merged].map(([skuId, quantity]) => {
      const locationId = locations.get(skuId);
      return locationId === undefined ? { skuId, quantity } : { skuId, quantity, locationId };
    }),
  };
}

/** A location id: 1…64 of letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const LOCATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function locationIdError(value: unknown, field: string): FieldError | null {
  if (typeof value === 'string' && LOCATION_ID_PATTERN.test(value)) return null;
  return {
    field,
    value,
    reason: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  };
}

/** A bulk delta: a non-zero integer of at most a quantity's size either way. */
export function deltaError(value: unknown, field: string): FieldError | null {
  const max = STOCK_LIMITS.maxQuantity;
  if (isInt(value, -max, max) && value !== 0) return null;
  return { field, value, reason: `must be a non-zero integer -${max}..${max}` };
}

/** A bulk item as the script takes it: `t` sets the total, `d` adds a signed delta. */
export interface BulkScriptItem {
  skuId: string;
  mode: 't' | 'd';
  amount: number;
}

/**
 * One bulk item: a skuId and exactly one of `total` (0…10^12) or `delta`. The runner and the CSV
 * tool share this rule, so a file the tool accepts is one the API accepts.
 */
export function bulkItemErrors(item: unknown, field: string): FieldError[] {
  if (item === null || typeof item !== 'object') return [{ field, value: item, reason: 'must be an object' }];
  const { skuId, total, delta } = item as Record<string, unknown>;
  const errors = [skuIdError(skuId, `${field}.skuId`)];
  if ((total === undefined) === (delta === undefined)) {
    errors.push({ field, value: null, reason: 'must have exactly one of total or delta' });
  } else if (total !== undefined) errors.push(intError(total, `${field}.total`, 0, STOCK_LIMITS.maxTotal));
  else errors.push(deltaError(delta, `${field}.delta`));
  return errors.filter((e): e is FieldError => e !== null);
}

export type BulkItemsCheck = { ok: true; items: BulkScriptItem[] } | { ok: false; errors: FieldError[] };

/**
 * Bulk items naming a SKU an earlier item already names: the item's index → the earlier one's. A
 * SKU twice would make "the state after" ambiguous, so a repeat is refused, never merged.
 */
export function repeatedSkus(items: readonly unknown[]): Map<number, number> {
  const firstAt = new Map<string, number>();
  const repeats = new Map<number, number>();
  items.forEach((item, i) => {
    const skuId = (item as { skuId?: unknown } | null)?.skuId;
    if (typeof skuId !== 'string') return;
    const first = firstAt.get(skuId);
    if (first === undefined) firstAt.set(skuId, i);
    else repeats.set(i, first);
  });
  return repeats;
}

export const repeatedSkuReason = (first: number) => `duplicate of items[${first}]`;

/** Validates 1…1000 bulk items, each SKU at most once (a repeat is an error, never merged). */
export function checkBulkItems(items: unknown): BulkItemsCheck {
  const max = STOCK_LIMITS.maxBulkItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > max) {
    const value = Array.isArray(items) ? items.length : null;
    return { ok: false, errors: [{ field: 'items', value, reason: `must be an array of 1..${max} items` }] };
  }
  const errors: FieldError[] = [];
  const repeats = repeatedSkus(items);
  const checked: BulkScriptItem[] = [];
  items.forEach((item: Record<string, unknown> | null, i) => {
    const itemErrors = bulkItemErrors(item, `items[${i}]`);
    errors.push(...itemErrors);
    const skuId = item?.skuId;
    if (typeof skuId !== 'string') return;
    const first = repeats.get(i);
    if (first !== undefined) {
      errors.push({ field: `items[${i}].skuId`, value: skuId, reason: repeatedSkuReason(first) });
      return;
    }
    if (itemErrors.length > 0 || !item) return;
    const isTotal = item.total !== undefined;
    checked.push({ skuId, mode: isTotal ? 't' : 'd', amount: (isTotal ? item.total : item.delta) as number });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items: checked };
}

function checkText(value: unknown, field: string, allowEmpty: boolean): void {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new StockInputError(`${field} must be a${allowEmpty ? '' : ' non-empty'} string`);
  }
  if (value.length > STOCK_LIMITS.maxContextLength || hasForbiddenText(value)) {
    throw new StockInputError(
      `${field} must be at most ${STOCK_LIMITS.maxContextLength} characters, no controls`,
    );
  }
}

/** Context fields come from code, not users: a bad one is a bug and throws StockInputError. */
export function assertContext(context: CommandContext & { reason?: unknown }): void {
  checkText(context.causationId, 'causationId', true);
  checkText(context.correlationId, 'correlationId', true);
  checkText(context.actor, 'actor', false);
  if (context.eventId !== undefined) checkText(context.eventId, 'eventId', false);
  if (context.reason !== undefined) checkText(context.reason, 'reason', true);
}
