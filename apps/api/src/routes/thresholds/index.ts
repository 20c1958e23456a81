import type { StockRunner } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { successEnvelope } from '../../http/envelope.js';
import { withTimeout } from '../../http/error-mapping.js';
import type { ThresholdRepository } from '../../repositories/threshold.repository.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';
import { skuParamsSchema } from '../../schemas/inventory.schema.js';
import { thresholdBodySchema, thresholdResponseSchema } from '../../schemas/threshold.schema.js';

export interface ThresholdRoutesOptions {
  runner: StockRunner;
  thresholds: ThresholdRepository;
  /** Time budget of a MariaDB query before the request answers 503. */
  databaseTimeoutMs: number;
}

const PATH = '/api/v1/admin/inventory/:skuId/low-stock-threshold';
const security = [{ bearerAuth: [] }];
const tags = ['admin'];

/**
 * Low-stock thresholds: per-SKU configuration in MariaDB (not in Redis, which only holds stock).
 * The relay applies the threshold in force when it drains a journal entry, normally milliseconds
 * after the command. Writes are absolute, so a retry (with or without Idempotency-Key) changes
 * nothing more; the header is accepted like on every other write.
 */
export const thresholdRoutes: FastifyPluginAsyncZod<ThresholdRoutesOptions> = async (app, options) => {
  const { runner, thresholds, databaseTimeoutMs } = options;
  const db = <T>(promise: Promise<T>) => withTimeout(promise, databaseTimeoutMs, 'mariadb');

  /** A threshold only exists for a SKU that does: 404 otherwise, like the stock routes. */
  async function requireSku(skuId: string): Promise<void> {
    if ((await runner.get(skuId)) === null) {
      throw new ApiError(404, ErrorCode.SKU_NOT_FOUND, `SKU ${skuId} not found`, { details: { skuId } });
    }
  }

  app.get(
    PATH,
    {
      config: { auth: 'read' },
      schema: {
        operationId: 'getLowStockThreshold',
        tags,
        summary: "A SKU's low-stock threshold",
        description: '`threshold: null` when none is set; 404 INVENTORY-404-002 for an unknown SKU.',
        security,
        params: skuParamsSchema,
        response: { 200: thresholdResponseSchema, ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => {
      const { skuId } = request.params;
      await requireSku(skuId);
      return successEnvelope(await db(thresholds.get(skuId)));
    },
  );

  app.put(
    PATH,
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'setLowStockThreshold',
        tags,
        summary: 'Set the low-stock threshold of a SKU',
        description:
          '`stock.low` is published when available falls from at or above the threshold to below it. ' +
          'Setting the same value again changes nothing (`updatedAt` included).',
        security,
        params: skuParamsSchema,
        headers: idempotencyHeadersSchema,
        body: thresholdBodySchema,
        response: {
          200: thresholdResponseSchema,
          ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
        },
      },
    },
    async (request) => {
      const { skuId } = request.params;
      const { threshold } = request.body;
      await requireSku(skuId);
      const saved = await db(thresholds.set(skuId, threshold, new Date()));
      request.log.info({ skuId, threshold }, 'low-stock threshold set');
      return successEnvelope(saved);
    },
  );

  app.delete(
    PATH,
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'deleteLowStockThreshold',
        tags,
        summary: 'Remove the low-stock threshold of a SKU',
        description: '200 with `threshold: null`, also when none was set.',
        security,
        params: skuParamsSchema,
        headers: idempotencyHeadersSchema,
        response: { 200: thresholdResponseSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { skuId } = request.params;
      await requireSku(skuId);
      await db(thresholds.remove(skuId));
      request.log.info({ skuId }, 'low-stock threshold removed');
      return successEnvelope({ skuId, threshold: null, updatedAt: null });
    },
  );
};
