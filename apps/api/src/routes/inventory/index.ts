import type { SkuState, StockRunner } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { successEnvelope } from '../../http/envelope.js';
import { withTimeout } from '../../http/error-mapping.js';
import type { LedgerRepository } from '../../repositories/ledger.repository.js';
import { errorResponses } from '../../schemas/common.schema.js';
import {
  bulkBodySchema,
  bulkResponseSchema,
  encodeCursor,
  historyQuerySchema,
  historyResponseSchema,
  type StockLevel,
  skuParamsSchema,
  stockResponseSchema,
} from '../../schemas/inventory.schema.js';

export interface InventoryRoutesOptions {
  runner: StockRunner;
  ledger: LedgerRepository;
  /** Time budget of a MariaDB query before the request answers 503. */
  databaseTimeoutMs: number;
}

function toLevel(state: SkuState): StockLevel {
  return { ...state, updatedAt: new Date(state.updatedAt).toISOString() };
}

const security = [{ bearerAuth: [] }];

/** Stock queries. Live values come from Redis only, so they keep working while MariaDB is down. */
export const inventoryRoutes: FastifyPluginAsyncZod<InventoryRoutesOptions> = async (app, options) => {
  const { runner, ledger } = options;

  app.get(
    '/api/v1/inventory/:skuId',
    {
      config: { auth: 'read' },
      schema: {
        operationId: 'getStock',
        tags: ['inventory'],
        summary: 'Live stock of one SKU',
        description:
          'total, reserved and available as the live store holds them (Redis), with the version that ' +
          '`expectedVersion` compares against. 404 INVENTORY-404-002 for an unknown SKU.',
        security,
        params: skuParamsSchema,
        response: { 200: stockResponseSchema, ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => {
      const state = await runner.get(request.params.skuId);
      if (state === null) {
        throw new ApiError(404, ErrorCode.SKU_NOT_FOUND, `SKU ${request.params.skuId} not found`, {
          details: { skuId: request.params.skuId },
        });
      }
      return successEnvelope(toLevel(state));
    },
  );

  app.post(
    '/api/v1/inventory/bulk',
    {
      config: { auth: 'read' },
      schema: {
        operationId: 'getStockBulk',
        tags: ['inventory'],
        summary: 'Live stock of up to 1000 SKUs',
        description:
          'One answer for many SKUs: `items` holds the SKUs that exist, `missing` the ids that do not ' +
          '(a repeated id is answered once).',
        security,
        body: bulkBodySchema,
        response: { 200: bulkResponseSchema, ...errorResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const skuIds = [...new Set(request.body.skuIds)];
      const states = await runner.getMany(skuIds);
      const items: StockLevel[] = [];
      const missing: string[] = [];
      states.forEach((state, i) => {
        if (state) items.push(toLevel(state));
        else missing.push(skuIds[i] as string);
      });
      return successEnvelope({ items, missing });
    },
  );

  app.get(
    '/api/v1/inventory/:skuId/history',
    {
      config: { auth: 'read' },
      schema: {
        operationId: 'listStockMovements',
        tags: ['inventory'],
        summary: 'Stock movement ledger of one SKU, newest first (cursor pagination)',
        description:
          'Rows are written by the relay from the Redis journal, so the newest movements may lag by a moment.',
        security,
        params: skuParamsSchema,
        querystring: historyQuerySchema,
        response: { 200: historyResponseSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await withTimeout(
        ledger.page(request.params.skuId, { limit, beforeId: cursor }),
        options.databaseTimeoutMs,
        'mariadb',
      );
      return successEnvelope({
        items: page.rows,
        nextCursor: page.lastId === null ? null : encodeCursor(page.lastId),
      });
    },
  );
};
