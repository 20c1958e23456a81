import { STOCK_LIMITS, skuIdInput } from '@inventory/core';
import { z } from 'zod';
import { integer, skuIdSchema, successSchema, textParams } from './common.schema.js';

/** Stock queries: one SKU, many SKUs, and the movement history (docs/contract.md §4). */

export const skuParamsSchema = textParams('skuId', STOCK_LIMITS.maxSkuIdLength, skuIdSchema);

export const stockLevelSchema = z
  .object({
    skuId: z.string(),
    total: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    version: z.number().int(),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'StockLevel', description: 'Live stock of one SKU (from Redis)' });

export type StockLevel = z.output<typeof stockLevelSchema>;

export const stockResponseSchema = successSchema(stockLevelSchema);

export const MAX_BULK_SKUS = 1000;

export const bulkBodySchema = z.object({
  skuIds: z
    .array(skuIdInput, { error: 'must be an array of skuIds' })
    .min(1, 'must hold at least 1 skuId')
    .max(MAX_BULK_SKUS, `must hold at most ${MAX_BULK_SKUS} skuIds`),
});

export const bulkResponseSchema = successSchema(
  z.object({
    items: z.array(stockLevelSchema),
    missing: z.array(z.string()).meta({ description: 'Requested skuIds with no stock record' }),
  }),
);

/** The opaque cursor is the last row id of the previous page, base64url-encoded. */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cursor)) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,15}$/.test(decoded)) return null;
  const id = Number(decoded);
  return Number.isSafeInteger(id) ? id : null;
}

export const historyQuerySchema = z.object({
  limit: z.coerce.number({ error: 'must be an integer 1..200' }).pipe(integer(1, 200)).default(50).meta({
    description: 'Rows per page (default 50, at most 200)',
    type: 'integer',
    minimum: 1,
    maximum: 200,
  }),
  cursor: z
    .string()
    .transform((value, ctx) => {
      const id = decodeCursor(value);
      if (id === null) {
        ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this API' });
        return z.NEVER;
      }
      return id;
    })
    .optional()
    .meta({
      description:
        'The nextCursor of the previous page (a cursor this API did not issue is refused with 400)',
      pattern: '^[A-Za-z0-9_-]{1,32}$',
    }),
});

export const ledgerRowSchema = z
  .object({
    id: z.number().int(),
    skuId: z.string(),
    locationId: z.string().meta({
      description:
        'The location the row moved (`default` for a SKU that never left it); the after-figures are its own',
    }),
    action: z.string().meta({
      description: 'init, set, add, decrease, bulk, transfer, reserve, confirm, release, expire, reconcile',
    }),
    deltaTotal: z.number().int(),
    deltaReserved: z.number().int(),
    totalAfter: z.number().int(),
    reservedAfter: z.number().int(),
    availableAfter: z.number().int(),
    version: z.number().int(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    causationId: z.string().nullable(),
    correlationId: z.string().nullable(),
    actor: z.string(),
    createdAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'LedgerRow', description: 'One stock movement of one SKU' });

export type LedgerRow = z.output<typeof ledgerRowSchema>;

export const historyResponseSchema = successSchema(
  z.object({
    items: z.array(ledgerRowSchema).meta({ description: 'Newest first' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
  }),
);
