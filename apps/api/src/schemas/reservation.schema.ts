import { orderIdInput, orderItemsInput, STOCK_LIMITS } from '@inventory/core';
import { z } from 'zod';
import type { LosslessNumber } from '../http/json-body.js';
import { integer, losslessIntegerSchema, successSchema, text, textParams } from './common.schema.js';

/** Synchronous reservations (docs/contract.md §4), the HTTP twin of order.placed / confirmed / cancelled. */

export const reserveBodySchema = z.object({
  orderId: orderIdInput,
  items: orderItemsInput,
  ttlSeconds: integer(1, STOCK_LIMITS.maxTtlSeconds)
    .optional()
    .meta({ description: 'Overrides the default TTL' }),
  correlationId: text(255).optional(),
  allowPartial: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: 'Hold what is available and report the rest in shortItems (default false)' }),
  allowSplit: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: 'false: take each item from one location alone (default true)' }),
});

export const extendBodySchema = z.object({
  ttlSeconds: integer(1, STOCK_LIMITS.maxTtlSeconds).meta({
    description: 'The new time to live, counted from now',
  }),
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
    items: z.array(
      z.object({
        skuId: z.string(),
        quantity: z.number().int(),
        allocations: z
          .array(z.object({ locationId: z.string(), quantity: z.number().int() }))
          .optional()
          .meta({ description: 'Which location holds how much; absent when all of it is at `default`' }),
      }),
    ),
    expiresAt: z.string().meta({ format: 'date-time' }).nullable(),
    correlationId: z.string().nullable(),
    shortItems: z
      .array(z.object({ skuId: z.string(), requested: z.number().int(), reserved: z.number().int() }))
      .optional()
      .meta({ description: 'A partial reservation: the items that got less than they asked for' }),
  })
  .meta({ id: 'Reservation' });

export type ReservationView = Omit<z.output<typeof reservationSchema>, 'orderId'> & {
  orderId: string | LosslessNumber;
};

export const reservationResponseSchema = successSchema(reservationSchema);
