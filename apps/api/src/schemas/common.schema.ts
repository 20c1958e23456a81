import {
  hasForbiddenText,
  hasLengthWithin,
  isBoundedText,
  NO_CONTROL_CHARACTERS_PATTERN,
  STOCK_LIMITS,
} from '@inventory/core';
import { z } from 'zod';
import { isLosslessNumber, type LosslessNumber } from '../http/json-body.js';
import { withFastAccept } from '../http/validation.js';

/**
 * Shared pieces of the request and response schemas (docs/contract.md §4 limits and envelopes). The same
 * zod objects validate requests and produce the OpenAPI document.
 */

// The core's rule (C0, DEL and C1 controls, lone surrogates), shared with the stock runner.
export { hasForbiddenText };

/** Text of 1..max characters (code points, as JSON Schema counts them) without control characters. */
export function text(max: number, min = 1) {
  return z
    .string({ error: 'must be a string' })
    .refine((v) => hasLengthWithin(v, max, min), `must be ${min}..${max} characters`)
    .refine((v) => !hasForbiddenText(v), 'must not contain control characters')
    .meta({ minLength: min, maxLength: max, pattern: NO_CONTROL_CHARACTERS_PATTERN });
}

/** What `text(max)` accepts: the core's text rule. */
function isShortText(value: unknown, max: number): boolean {
  return typeof value === 'string' && isBoundedText(value, max);
}

/**
 * Path parameters of one text field (`{skuId}`, `{orderId}`). Fastify validates them on every
 * request, so a valid value is accepted by a precompiled check; zod runs only for the rest (a value
 * longer than `max` UTF-16 units may still be `max` code points) and explains any rejection.
 */
export function textParams<K extends string>(name: K, max: number, field = text(max)) {
  const shape = { [name]: field } as Record<K, typeof field>;
  return withFastAccept(z.object(shape), (data) =>
    isShortText((data as Record<string, unknown> | null)?.[name], max),
  );
}

/** An integer in [min, max]; one reason for every way to miss (wrong type, fraction, range). */
export function integer(min: number, max: number) {
  const reason = `must be an integer ${min}..${max}`;
  return z
    .number({ error: reason })
    .int({ error: reason })
    .min(min, { error: reason })
    .max(max, { error: reason });
}

export const skuIdSchema = text(STOCK_LIMITS.maxSkuIdLength).meta({
  description: 'SKU id: free text (non-ASCII allowed), 1..128 characters, no control characters',
  example: 'ELEC-20260125-AB12-Black-M',
});

export const reasonSchema = text(64).meta({ description: 'Free-text reason kept in the ledger' });

/** An exact integer kept as its digits (above 2^53); documented as a JSON integer of any size. */
export const losslessIntegerSchema = z
  .custom<LosslessNumber>((v) => isLosslessNumber(v))
  .meta({ type: 'integer' });

export const fieldErrorSchema = z.object({
  field: z.string(),
  value: z.unknown(),
  reason: z.string(),
});

export const errorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().meta({ example: 'COMMON-400-004' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      fieldErrors: z.array(fieldErrorSchema).optional(),
    }),
    timestamp: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'ErrorEnvelope', description: 'The envelope of every failed answer' });

export function successSchema<T extends z.ZodType>(data: T) {
  return z.object({
    success: z.literal(true),
    data,
    timestamp: z.string().meta({ format: 'date-time' }),
  });
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/**
 * The error responses a route documents, all with the error envelope. 500 is added to every list:
 * the error handler answers any unexpected failure with it, on any route.
 */
export function errorResponses<S extends ErrorStatus>(
  ...statuses: S[]
): Record<S | 500, typeof errorEnvelopeSchema> {
  return Object.fromEntries([...statuses, 500].map((s) => [s, errorEnvelopeSchema])) as Record<
    S | 500,
    typeof errorEnvelopeSchema
  >;
}

export const idempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1..255 visible ASCII characters')
    .optional()
    .meta({ description: 'A retry with the same key returns the first response and changes nothing' }),
  'x-correlation-id': z.string().optional().meta({ description: 'Saga correlation id (optional)' }),
});
