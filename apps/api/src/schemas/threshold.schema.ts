import { STOCK_LIMITS } from '@inventory/core';
import { z } from 'zod';
import { integer, successSchema } from './common.schema.js';

/** Low-stock thresholds (docs/contract.md §3 `stock.low`): per-SKU configuration kept in MariaDB. */

export const thresholdBodySchema = z.object({
  threshold: integer(1, STOCK_LIMITS.maxTotal).meta({
    description: '`stock.low` is emitted when available falls strictly below this value; 1..10^12',
    example: 10,
  }),
});

export const thresholdSchema = z
  .object({
    skuId: z.string(),
    threshold: z.number().int().nullable().meta({ description: 'null: no threshold, no `stock.low`' }),
    updatedAt: z
      .string()
      .nullable()
      .meta({ format: 'date-time', description: 'When the threshold was last changed; null without one' }),
  })
  .meta({ id: 'LowStockThreshold', description: "A SKU's low-stock threshold" });

export type Threshold = z.output<typeof thresholdSchema>;

export const thresholdResponseSchema = successSchema(thresholdSchema);
