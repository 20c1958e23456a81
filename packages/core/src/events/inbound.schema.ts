import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';
import { hasForbiddenText } from '../stock/stock.validation.js';

/**
 * Zod schemas for the inbound CloudEvents, over JSON parsed with lossless-json: every JSON number
 * arrives as a LosslessNumber (its exact digits), so order ids above 2^53 are never rounded.
 * Parsing is liberal where the producers differ (docs/contract.md §1): `time` as ISO string or epoch
 * seconds, `skuId` as string or number, unknown fields and explicit nulls tolerated.
 */

export const MAX_QUANTITY = 1_000_000_000;
export const MAX_ITEMS = 100;
export const MAX_SKU_ID_LENGTH = 128;

const losslessNumber = z.custom<LosslessNumber>((v) => isLosslessNumber(v), 'expected a number');

/** An order id in the JSON type it arrived in, digits exact. */
export interface OrderRef {
  orderId: string;
  orderIdType: 'number' | 'string';
}

const orderId = z.union([
  losslessNumber
    .refine((n) => /^-?\d+$/.test(n.value), 'orderId must be an integer')
    .transform((n): OrderRef => ({ orderId: n.value, orderIdType: 'number' })),
  z
    .string()
    .min(1, 'orderId must not be empty')
    .max(64, 'orderId is longer than 64 characters')
    .transform((s): OrderRef => ({ orderId: s, orderIdType: 'string' })),
]);

export const skuIdString = z
  .string()
  .min(1, 'skuId must not be empty')
  .max(MAX_SKU_ID_LENGTH, `skuId is longer than ${MAX_SKU_ID_LENGTH} characters`)
  .refine((s) => !hasForbiddenText(s), 'skuId contains control characters');

const skuId = z.union([
  skuIdString,
  losslessNumber
    .refine((n) => /^\d+$/.test(n.value), 'a numeric skuId must be a non-negative integer')
    .transform((n) => n.value),
]);

const quantity = losslessNumber
  .refine((n) => /^\d+$/.test(n.value), 'quantity must be a positive integer')
  .transform((n) => Number(n.value))
  .refine((q) => q >= 1 && q <= MAX_QUANTITY, `quantity must be between 1 and ${MAX_QUANTITY}`);

const item = z.object({ skuId, quantity });

const items = z
  .array(item)
  .min(1, 'items must not be empty')
  .refine(
    (list) => new Set(list.map((i) => i.skuId)).size <= MAX_ITEMS,
    `more than ${MAX_ITEMS} distinct SKUs`,
  );

const optionalId = z
  .union([z.string().max(255, 'longer than 255 characters'), losslessNumber.transform((n) => n.value)])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

const eventTime = z
  .union([
    z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'time is not an ISO-8601 date'),
    losslessNumber.transform((n) => Number(n.value)).refine(Number.isFinite, 'time is not a number'),
  ])
  .nullish();

export const envelopeSchema = z.object({
  // Stored as the causation id (MariaDB varchar(255)): longer ids would never fit.
  id: z.string().min(1, 'id must be a non-empty string').max(255, 'id is longer than 255 characters'),
  specversion: z.literal('1.0', { error: 'specversion must be "1.0"' }),
  type: z.string().min(1, 'type must be a non-empty string'),
  source: z.string().nullish(),
  time: eventTime,
  data: z.record(z.string(), z.unknown(), { error: 'data must be an object' }),
});

export const orderPlacedData = z.object({
  orderId,
  items,
  correlationId: optionalId,
  causationId: optionalId,
});

export const orderConfirmedData = z.object({ orderId, correlationId: optionalId, causationId: optionalId });

export const orderCancelledData = orderConfirmedData.extend({ reason: z.string().nullish() });

export const skuCreatedData = z.object({
  skuId,
  correlationId: optionalId,
  initialQuantity: losslessNumber
    .refine((n) => /^\d+$/.test(n.value), 'initialQuantity must be a non-negative integer')
    .transform((n) => Number(n.value))
    .refine((q) => q <= MAX_QUANTITY, `initialQuantity must be at most ${MAX_QUANTITY}`)
    .nullish()
    .transform((q) => q ?? 0),
});
