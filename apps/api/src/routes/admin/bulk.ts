import { type RedisClient, readManySkuLocations, type StockRunner } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mapBulkOutcome } from '../../http/bulk-outcome.js';
import { successEnvelope } from '../../http/envelope.js';
import { outcomeLabel, REPLAY_HEADER } from '../../http/stock-outcome.js';
import { writeContext } from '../../http/write-context.js';
import {
  BULK_BODY_LIMIT_BYTES,
  bulkAdjustBodySchema,
  bulkAdjustResponseSchema,
  skuListQuerySchema,
  skuListResponseSchema,
} from '../../schemas/bulk.schema.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';

export interface AdminBulkRoutesOptions {
  runner: StockRunner;
  /** Reads the stock per location of a listed page. */
  redis: RedisClient;
}

const security = [{ bearerAuth: [] }];

/**
 * Many SKUs at once: a bulk adjustment (one script, all items or none, one journal entry) and a
 * listing of every SKU for exports. Both are admin routes; the CSV tool (scripts/stock-csv.ts) is
 * their main client.
 */
export const adminBulkRoutes: FastifyPluginAsyncZod<AdminBulkRoutesOptions> = async (
  app,
  { runner, redis },
) => {
  app.post(
    '/api/v1/admin/inventory/bulk-adjust',
    {
      config: { auth: 'admin' },
      // 1000 items must always fit, even with an HTTP_BODY_LIMIT_BYTES below their worst case.
      bodyLimit: Math.max(app.initialConfig.bodyLimit ?? 0, BULK_BODY_LIMIT_BYTES),
      schema: {
        operationId: 'bulkAdjustStock',
        tags: ['admin'],
        summary: 'Set totals or apply deltas to up to 1000 SKUs, all or nothing',
        description:
          'Each item has exactly one of `total` (absolute, creates an absent SKU) or `delta` (> 0 stock in, ' +
          'creates an absent SKU; < 0 stock out). Nothing changes unless every item fits: 409 INVENTORY-409-001 ' +
          '(not enough stock, or a total below reserved), 404 INVENTORY-404-002 (stock out of an unknown SKU; ' +
          'wins over 409), 400 INVENTORY-400-001 (a total would pass 10^12), each with `details.failedItems` ' +
          '[{skuId, reason, total, reserved, available}] listing every failing item. A SKU may appear once. ' +
          'A retry with the same Idempotency-Key and items returns the first answer; other items: 422 COMMON-422.',
        security,
        headers: idempotencyHeadersSchema,
        body: bulkAdjustBodySchema,
        response: {
          200: bulkAdjustResponseSchema,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const context = writeContext(request, request.id);
      const items = body.items.map(({ skuId, total, delta }) =>
        total === undefined ? { skuId, delta: delta as number } : { skuId, total },
      );
      const outcome = await runner.bulk({ ...context, items, reason: body.reason });
      app.metrics.stockOutcome('bulk', outcomeLabel(outcome));
      const result = mapBulkOutcome(body, outcome);
      request.log.info(
        { items: body.items.length, replayed: result.replayed, causationId: context.causationId },
        'bulk adjustment applied',
      );
      if (result.replayed) reply.header(REPLAY_HEADER, 'true');
      return reply.code(200).send(successEnvelope(result.data, result.at));
    },
  );

  app.get(
    '/api/v1/admin/inventory',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'listStock',
        tags: ['admin'],
        summary: 'Every SKU, page by page (live values from Redis)',
        description:
          'Walks the live store with SCAN: every SKU that exists for the whole walk is listed at least once; ' +
          'one may be listed twice, and a page may hold a few more than `limit` or none at all. Follow ' +
          '`nextCursor` until it is null. 503 while Redis is being restored. With `locations=true` each SKU ' +
          'also lists its stock per location.',
        security,
        querystring: skuListQuerySchema,
        response: { 200: skuListResponseSchema, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const page = await runner.listSkus(request.query.cursor, request.query.limit);
      const items = page.items.map((s) => ({ ...s, updatedAt: new Date(s.updatedAt).toISOString() }));
      if (request.query.locations === 'true') {
        const perSku = await readManySkuLocations(
          redis,
          runner.layout,
          items.map((s) => s.skuId),
        );
        const located = items.map((s, i) => ({ ...s, locations: perSku[i] ?? [] }));
        return successEnvelope({ items: located, nextCursor: page.nextCursor });
      }
      return successEnvelope({ items, nextCursor: page.nextCursor });
    },
  );
};
