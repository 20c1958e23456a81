import {
  availableAtLocation,
  DEFAULT_LOCATION,
  type JournalSku,
  type LocationStock,
  type RedisClient,
  readSkuLocations,
  type StockRunner,
} from '@inventory/core';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { successEnvelope } from '../../http/envelope.js';
import { type AdminSuccess, mapAdminOutcome, outcomeLabel, REPLAY_HEADER } from '../../http/stock-outcome.js';
import { writeContext } from '../../http/write-context.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';
import { skuParamsSchema } from '../../schemas/inventory.schema.js';
import {
  locationParamsSchema,
  setLocationStockBodySchema,
  skuLocationsResponseSchema,
  transferBodySchema,
} from '../../schemas/location.schema.js';

export interface LocationStockRoutesOptions {
  runner: StockRunner;
  redis: RedisClient;
}

const security = [{ bearerAuth: [] }];
const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503);

/** The locations a write changed, from its first call's entry (so a replay answers the same). */
function changedLocations(sku: JournalSku): LocationStock[] {
  const rows = sku.locations ?? [
    {
      locationId: DEFAULT_LOCATION,
      total: sku.total,
      reserved: sku.reserved,
      safetyStock: 0,
      backorderLimit: 0,
    },
  ];
  return rows.map((l) => ({
    locationId: l.locationId,
    total: l.total,
    reserved: l.reserved,
    safetyStock: l.safetyStock,
    backorderLimit: l.backorderLimit,
    available: availableAtLocation(l),
  }));
}

function send(reply: FastifyReply, result: AdminSuccess) {
  if (result.replayed) reply.header(REPLAY_HEADER, 'true');
  const data = { ...result.data, locations: changedLocations(result.sku) };
  return reply.code(result.status).send(successEnvelope(data, result.at));
}

/** Stock per location of one SKU (docs/locations.md): read it, set a location's figures, transfer. */
export const locationStockRoutes: FastifyPluginAsyncZod<LocationStockRoutesOptions> = async (
  app,
  options,
) => {
  const { runner, redis } = options;

  app.get(
    '/api/v1/inventory/:skuId/locations',
    {
      config: { auth: 'read' },
      schema: {
        operationId: 'getStockByLocation',
        tags: ['inventory'],
        summary: "A SKU's stock, and each location's",
        description:
          'The SKU figures are the sums over its locations (available = total − reserved − safety stock). ' +
          '404 INVENTORY-404-002 for an unknown SKU.',
        security,
        params: skuParamsSchema,
        response: { 200: skuLocationsResponseSchema, ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => {
      const { skuId } = request.params;
      const [state, locations] = await Promise.all([
        runner.get(skuId),
        readSkuLocations(redis, runner.layout, skuId),
      ]);
      if (state === null) {
        throw new ApiError(404, ErrorCode.SKU_NOT_FOUND, `SKU ${skuId} not found`, { details: { skuId } });
      }
      const { updatedAt, ...level } = state;
      return successEnvelope({ ...level, updatedAt: new Date(updatedAt).toISOString(), locations });
    },
  );

  app.put(
    '/api/v1/admin/inventory/:skuId/locations/:locationId',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'setLocationStock',
        tags: ['admin'],
        summary: "Set a location's total, safety stock or backorder limit for a SKU",
        description:
          '201 when the SKU was created, 200 otherwise; `locations` lists what changed. 404 INVENTORY-404-004 for ' +
          'an unknown or inactive location; 409 INVENTORY-409-001 when reserved would pass total + backorderLimit ' +
          'there; 409 INVENTORY-409-002 on a version mismatch.',
        security,
        params: skuParamsSchema.extend(locationParamsSchema.shape),
        headers: idempotencyHeadersSchema,
        body: setLocationStockBodySchema,
        response: { 200: skuLocationsResponseSchema, 201: skuLocationsResponseSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { skuId, locationId } = request.params;
      const { total, safetyStock, backorderLimit, expectedVersion, reason } = request.body;
      const context = writeContext(request, request.id);
      const input = {
        ...context,
        skuId,
        locationId,
        total,
        safetyStock,
        backorderLimit,
        expectedVersion,
        reason,
      };
      const outcome = await runner.set(input);
      app.metrics.stockOutcome('set', outcomeLabel(outcome));
      return send(
        reply,
        mapAdminOutcome({ action: 'set', skuId, amount: total ?? 0, expectedVersion }, outcome),
      );
    },
  );

  app.post(
    '/api/v1/admin/inventory/:skuId/transfer',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'transferStock',
        tags: ['admin'],
        summary: 'Move units of a SKU from one location to another, atomically',
        description:
          'The SKU total does not change; one journal entry, a ledger row on each side. 409 INVENTORY-409-001 ' +
          'when available at the source is below the quantity; 404 INVENTORY-404-004 for an unknown or inactive ' +
          'destination; 404 INVENTORY-404-002 for an unknown SKU.',
        security,
        params: skuParamsSchema,
        headers: idempotencyHeadersSchema,
        body: transferBodySchema,
        response: { 200: skuLocationsResponseSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { skuId } = request.params;
      const { fromLocationId, toLocationId, quantity, reason } = request.body;
      const context = writeContext(request, request.id);
      const outcome = await runner.transfer({
        ...context,
        skuId,
        fromLocationId,
        toLocationId,
        quantity,
        reason,
      });
      app.metrics.stockOutcome('transfer', outcomeLabel(outcome));
      return send(reply, mapAdminOutcome({ action: 'transfer', skuId, amount: quantity }, outcome));
    },
  );
};
