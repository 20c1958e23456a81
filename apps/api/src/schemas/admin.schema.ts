import { quantityInput, STOCK_LIMITS } from '@inventory/core';
import { z } from 'zod';
import { integer, reasonSchema, successSchema } from './common.schema.js';
import { stockLevelSchema } from './inventory.schema.js';

/** Admin adjustments (docs/contract.md §4): absolute set, stock in, stock out. */

export const setStockBodySchema = z.object({
  total: integer(0, STOCK_LIMITS.maxTotal).meta({ description: 'Absolute total, 0..10^12' }),
  expectedVersion: integer(0, Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({ description: 'Apply only at this version; 0 = the SKU must not exist yet' }),
  reason: reasonSchema.optional(),
});

export const adjustBodySchema = z.object({
  quantity: quantityInput,
  reason: reasonSchema.optional(),
});

export const adminStockResponseSchema = successSchema(stockLevelSchema);
