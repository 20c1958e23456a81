import {
  bulkItemErrors,
  repeatedSkuReason,
  repeatedSkus,
  STOCK_LIMITS,
  scanCursorPattern,
  skuIdInput,
} from '@inventory/core';
import { z } from 'zod';
import { integer, reasonSchema, successSchema } from './common.schema.js';
import { stockLevelSchema } from './inventory.schema.js';
import { locationStockSchema } from './location.schema.js';

/** Bulk adjustment (many SKUs, all or nothing) and the admin SKU listing used by the CSV export. */

const maxDelta = STOCK_LIMITS.maxQuantity;

/**
 * One bulk item. The rule is the core's (`bulkItemErrors`, which the runner and the CSV tool apply
 * too): the skuId as every other skuId, exactly one of `total` (0..10^12) or `delta` (non-zero,
 * within a quantity either way). The metas only document it; `z.custom<number>()` types what the
 * rule has checked.
 */
export const bulkAdjustItemSchema = z
  .object({
    skuId: skuIdInput,
    total: z.custom<number>().optional().meta({
      description: 'Absolute total, 0..10^12 (creates an absent SKU, like PUT)',
      type: 'integer',
      minimum: 0,
      maximum: STOCK_LIMITS.maxTotal,
    }),
    delta: z
      .custom<number>()
      .optional()
      .meta({
        description: 'Signed change of the total, not 0: > 0 stock in (creates an absent SKU), < 0 stock out',
        type: 'integer',
        minimum: -maxDelta,
        maximum: maxDelta,
        not: { enum: [0] },
      }),
  })
  .superRefine(
    (item, ctx) => {
      for (const error of bulkItemErrors(item, 'item')) {
        if (error.field === 'item.skuId') continue; // skuIdInput has said it
        const path = error.field === 'item' ? [] : [error.field.slice('item.'.length)];
        ctx.addIssue({ code: 'custom', path, message: error.reason, input: error.value });
      }
    },
    // Also when the skuId failed, so one answer names every problem of the item.
    { when: () => true },
  )
  .meta({
    id: 'BulkAdjustItem',
    description: 'One SKU: exactly one of `total` or `delta`',
    oneOf: [{ required: ['total'] }, { required: ['delta'] }],
  });

export const bulkAdjustBodySchema = z.object({
  items: z
    .array(bulkAdjustItemSchema, { error: 'must be an array of items' })
    .min(1, 'must hold at least 1 item')
    .max(STOCK_LIMITS.maxBulkItems, `must hold at most ${STOCK_LIMITS.maxBulkItems} items`)
    .superRefine(
      (items, ctx) => {
        for (const [i, first] of repeatedSkus(items)) {
          const input = (items[i] as { skuId?: unknown } | undefined)?.skuId;
          ctx.addIssue({ code: 'custom', path: [i, 'skuId'], input, message: repeatedSkuReason(first) });
        }
      },
      // Also when other items failed, so one answer names every problem.
      { when: (payload) => Array.isArray(payload.value) },
    ),
  reason: reasonSchema.optional(),
});

export type BulkAdjustBody = z.output<typeof bulkAdjustBodySchema>;

export const bulkAdjustResponseSchema = successSchema(
  z.object({ items: z.array(stockLevelSchema).meta({ description: 'The state after, in request order' }) }),
);

/**
 * The worst-case JSON of 1000 items: 128 astral characters per skuId written as `\uXXXX\uXXXX`
 * (12 bytes each), the longest total, and a 64-character escaped reason, with room to spare. The
 * route accepts at least this much whatever HTTP_BODY_LIMIT_BYTES says.
 */
export const BULK_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export const skuListQuerySchema = z.object({
  cursor: z
    .string()
    .regex(scanCursorPattern, 'is not a cursor returned by this API')
    .default('0')
    .meta({ description: 'The nextCursor of the previous page; absent to start' }),
  limit: z.coerce.number({ error: 'must be an integer 1..5000' }).pipe(integer(1, 5000)).default(1000).meta({
    description: 'About how many SKUs per page (default 1000, at most 5000)',
    type: 'integer',
    minimum: 1,
    maximum: 5000,
  }),
  locations: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('false')
    .meta({ description: 'true: each SKU lists its stock per location too (docs/locations.md)' }),
});

export const skuListResponseSchema = successSchema(
  z.object({
    items: z.array(
      stockLevelSchema.extend({
        locations: z
          .array(locationStockSchema)
          .optional()
          .meta({ description: 'With `locations=true`: every location the SKU has, `default` included' }),
      }),
    ),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null once every SKU was listed' }),
  }),
);
