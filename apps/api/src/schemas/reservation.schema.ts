import { STOCK_LIMITS } from '@inventory/core';
import { z } from 'zod';
import type { LosslessNumber } from '../http/json-body.js';
import {
  hasForbiddenText,
  integer,
  losslessIntegerSchema,
  noControlCharactersPattern,
  quantitySchema,
  skuIdInputSchema,
  successSchema,
  text,
  textParams,
} from './common.schema.js';

/** Synchronous reservations (docs/contract.md §4), the HTTP twin of order.placed / confirmed / cancelled. */

/** An orderId as the core takes it: digits or text as a string, and the JSON type it came in. */
export interface OrderRef {
  orderId: string;
  orderIdType: 'number' | 'string';
}

const decimalOrderId = /^-?(0|[1-9][0-9]{0,19})$/;
const largestBelow1e20 = 1e20 - 16_384; // the spacing of doubles just below 10^20 is 16,384

/** A JSON number (any size, digits kept) or a string; numbers must be integers of up to 20 digits. */
export const orderIdInputSchema = z
  .union([z.string(), z.number(), losslessIntegerSchema], { error: 'must be a string or an integer' })
  .transform((value, ctx): OrderRef => {
    if (typeof value === 'string') {
      const length = [...value].length;
      if (length < 1 || length > STOCK_LIMITS.maxOrderIdLength || hasForbiddenText(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be 1..128 characters without control characters' });
      }
      return { orderId: value, orderIdType: 'string' };
    }
    const digits =
      typeof value === 'number' ? (Number.isInteger(value) ? String(value) : '') : value.toString();
    if (!decimalOrderId.test(digits)) {
      ctx.addIssue({ code: 'custom', message: 'must be an integer of up to 20 digits' });
    }
    return { orderId: digits, orderIdType: 'number' };
  })
  .meta({
    description: 'A JSON integer of up to 20 digits (kept exact above 2^53) or a string of 1..128 characters',
    anyOf: [
      // Up to 20 digits either way. The bound is the largest double below 10^20 (written
      // 99999999999999980000): JSON Schema validators compare numbers as doubles.
      { type: 'integer', minimum: -largestBelow1e20, maximum: largestBelow1e20, example: 1001 },
      { type: 'string', minLength: 1, maxLength: 128, pattern: noControlCharactersPattern },
    ],
  });

export const orderItemSchema = z.object({ skuId: skuIdInputSchema, quantity: quantitySchema });

export const reserveBodySchema = z.object({
  orderId: orderIdInputSchema,
  items: z
    .array(orderItemSchema, { error: 'must be a non-empty array of {skuId, quantity}' })
    .min(1, 'must be a non-empty array of {skuId, quantity}')
    .max(1000, 'must hold at most 1000 items (100 distinct SKUs)'),
  ttlSeconds: integer(1, STOCK_LIMITS.maxTtlSeconds)
    .optional()
    .meta({ description: 'Overrides the default TTL' }),
  correlationId: text(255).optional(),
});

/** Confirm takes no input: a body, when a client sends one (`{}` from a generated client), is ignored. */
export const confirmBodySchema = z
  .unknown()
  .optional()
  .meta({ description: 'Ignored: confirm deducts what was reserved for the order' });

export const releaseBodySchema = z
  .object({
    reason: z
      .enum(['CANCELLED', 'MANUAL'], { error: "must be 'CANCELLED' or 'MANUAL'" })
      .default('MANUAL')
      .meta({ description: 'Reason written on stock.released (default MANUAL)' }),
  })
  // No body at all is fine (Fastify hands a missing body over as null).
  .nullish();

export const orderParamsSchema = textParams('orderId', STOCK_LIMITS.maxOrderIdLength);

/** Echoed in the JSON type it arrived in: a number above 2^53 keeps every digit. */
export const orderIdOutputSchema = z.union([z.string(), z.number().int(), losslessIntegerSchema]).meta({
  description: 'In the JSON type it arrived in: an integer (every digit, also above 2^53) or a string',
  anyOf: [{ type: 'integer' }, { type: 'string' }],
});

export const reservationSchema = z
  .object({
    orderId: orderIdOutputSchema,
    status: z.enum(['RESERVED', 'CONFIRMED', 'RELEASED', 'EXPIRED', 'FAILED']),
    items: z.array(z.object({ skuId: z.string(), quantity: z.number().int() })),
    expiresAt: z.string().meta({ format: 'date-time' }).nullable(),
    correlationId: z.string().nullable(),
  })
  .meta({ id: 'Reservation' });

export type ReservationView = Omit<z.output<typeof reservationSchema>, 'orderId'> & {
  orderId: string | LosslessNumber;
};

export const reservationResponseSchema = successSchema(reservationSchema);
