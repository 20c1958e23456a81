import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';
import { orderIdInput, orderItemsInput, skuIdInput } from '../stock/stock.input.js';
import { STOCK_LIMITS } from '../stock/stock.validation.js';

/**
 * Zod schemas for the inbound CloudEvents, over JSON parsed with lossless-json: every JSON number
 * arrives as a LosslessNumber (its exact digits), so order ids above 2^53 are never rounded.
 * Parsing is liberal where the producers differ (docs/contract.md §1): `time` as ISO string or epoch
 * seconds, `skuId` as string or number, unknown fields and explicit nulls tolerated.
 */

const losslessNumber = z.custom<LosslessNumber>((v) => isLosslessNumber(v), 'expected a number');

// The order's rules (orderId, skuId, quantity, items) are the core's shared input pieces, the
// same the HTTP API composes (stock.input.ts).
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
  orderId: orderIdInput,
  items: orderItemsInput,
  correlationId: optionalId,
  causationId: optionalId,
});

export const orderConfirmedData = z.object({
  orderId: orderIdInput,
  correlationId: optionalId,
  causationId: optionalId,
});

export const orderCancelledData = orderConfirmedData.extend({ reason: z.string().nullish() });

export const skuCreatedData = z.object({
  skuId: skuIdInput,
  correlationId: optionalId,
  initialQuantity: losslessNumber
    .refine((n) => /^\d+$/.test(n.value), 'initialQuantity must be a non-negative integer')
    .transform((n) => Number(n.value))
    .refine(
      (q) => q <= STOCK_LIMITS.maxQuantity,
      `initialQuantity must be at most ${STOCK_LIMITS.maxQuantity}`,
    )
    .nullish()
    .transform((q) => q ?? 0),
});
