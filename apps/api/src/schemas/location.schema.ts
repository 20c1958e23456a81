import { locationIdInput, STOCK_LIMITS } from '@inventory/core';
import { z } from 'zod';
import { integer, reasonSchema, successSchema, text, textParams } from './common.schema.js';
import { stockLevelSchema } from './inventory.schema.js';

/** Locations and stock per location (docs/locations.md). */

export const locationParamsSchema = textParams('locationId', 64, locationIdInput);

export const locationSchema = z
  .object({
    locationId: z.string(),
    name: z.string(),
    priority: z.number().int().meta({ description: 'Sourcing order: lower first, ties by id' }),
    active: z.boolean(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Location' });

export const createLocationBodySchema = z.object({
  locationId: locationIdInput,
  name: text(255),
  priority: integer(-1_000_000, 1_000_000)
    .default(100)
    .meta({ description: 'Lower is sourced first (default 100)' }),
});

export const locationResponseSchema = successSchema(locationSchema);
export const locationListResponseSchema = successSchema(z.object({ items: z.array(locationSchema) }));

export const locationStockSchema = z
  .object({
    locationId: z.string(),
    total: z.number().int(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    backorderLimit: z.number().int(),
    available: z
      .number()
      .int()
      .meta({ description: 'total − reserved − safetyStock; below 0 only by a backorder' }),
  })
  .meta({ id: 'LocationStock' });

/** A SKU's figures (sums over its locations) and each location's. */
export const skuLocationsSchema = stockLevelSchema
  .extend({ locations: z.array(locationStockSchema) })
  .meta({ id: 'StockByLocation' });

export const skuLocationsResponseSchema = successSchema(skuLocationsSchema);

export const setLocationStockBodySchema = z
  .object({
    total: integer(0, STOCK_LIMITS.maxTotal)
      .optional()
      .meta({ description: "The location's absolute total" }),
    safetyStock: integer(0, STOCK_LIMITS.maxTotal)
      .optional()
      .meta({ description: 'Units held back from sale' }),
    backorderLimit: integer(0, STOCK_LIMITS.maxQuantity)
      .optional()
      .meta({ description: 'How far available may go below 0 here' }),
    expectedVersion: integer(0, Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'Apply only at this version of the SKU; 0 = the SKU must not exist yet' }),
    reason: reasonSchema.optional(),
  })
  .refine((b) => b.total !== undefined || b.safetyStock !== undefined || b.backorderLimit !== undefined, {
    message: 'give at least one of total, safetyStock, backorderLimit',
  });

export const transferBodySchema = z.object({
  fromLocationId: locationIdInput,
  toLocationId: locationIdInput,
  quantity: integer(STOCK_LIMITS.minQuantity, STOCK_LIMITS.maxQuantity),
  reason: reasonSchema.optional(),
});
