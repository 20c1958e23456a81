import type { RedisClient, StockRunner } from '@inventory/core';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { successEnvelope } from '../../http/envelope.js';
import { type AdminSuccess, mapAdminOutcome, outcomeLabel, REPLAY_HEADER } from '../../http/stock-outcome.js';
import { writeContext } from '../../http/write-context.js';
import {
  adjustBodySchema,
  adminStockResponseSchema,
  setStockBodySchema,
} from '../../schemas/admin.schema.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';
import { skuParamsSchema } from '../../schemas/inventory.schema.js';
import { adminBulkRoutes } from './bulk.js';

export interface AdminRoutesOptions {
  runner: StockRunner;
  redis: RedisClient;
}

const security = [{ bearerAuth: [] }];
const writeErrors = errorResponses(400, 401, 403, 409, 413, 415, 422, 429, 503);

function send(reply: FastifyReply, result: AdminSuccess) {
  if (result.replayed) reply.header(REPLAY_HEADER, 'true');
  return reply.code(result.status).send(successEnvelope(result.data, result.at));
}

/**
 * Admin adjustments: the same runner commands as the Kafka path, with the Idempotency-Key passed
 * to the runner (namespaced by caller), so a retry returns the first outcome and changes nothing.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, { runner, redis }) => {
  app.put(
    '/api/v1/admin/inventory/:skuId',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'setStock',
        tags: ['admin'],
        summary: 'Create a SKU or set its absolute total',
        description:
          '201 when the SKU was created, 200 when it existed. 409 INVENTORY-409-002 when `expectedVersion` does ' +
          'not match (INVENTORY-409-003 when it is 0 and the SKU exists); 409 INVENTORY-409-001 when total < reserved.',
        security,
        params: skuParamsSchema,
        headers: idempotencyHeadersSchema,
        body: setStockBodySchema,
        response: { 200: adminStockResponseSchema, 201: adminStockResponseSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { skuId } = request.params;
      const { total, expectedVersion, reason } = request.body;
      const context = writeContext(request, request.id);
      const outcome = await runner.set({ ...context, skuId, total, expectedVersion, reason });
      app.metrics.stockOutcome('set', outcomeLabel(outcome));
      return send(reply, mapAdminOutcome({ action: 'set', skuId, amount: total, expectedVersion }, outcome));
    },
  );

  for (const action of ['add', 'decrease'] as const) {
    app.post(
      `/api/v1/admin/inventory/:skuId/${action}`,
      {
        config: { auth: 'admin' },
        schema: {
          operationId: action === 'add' ? 'addStock' : 'decreaseStock',
          tags: ['admin'],
          summary: action === 'add' ? 'Stock in (an unknown SKU is created)' : 'Stock out',
          description:
            action === 'add'
              ? 'total += quantity.'
              : 'total -= quantity; 409 INVENTORY-409-001 when available < quantity, 404 for an unknown SKU.',
          security,
          params: skuParamsSchema,
          headers: idempotencyHeadersSchema,
          body: adjustBodySchema,
          response: { 200: adminStockResponseSchema, ...writeErrors, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const { skuId } = request.params;
        const { quantity, reason } = request.body;
        const context = writeContext(request, request.id);
        const input = { ...context, skuId, quantity, reason };
        const outcome = action === 'add' ? await runner.add(input) : await runner.decrease(input);
        app.metrics.stockOutcome(action, outcomeLabel(outcome));
        return send(reply, mapAdminOutcome({ action, skuId, amount: quantity }, outcome));
      },
    );
  }

  await app.register(adminBulkRoutes, { runner, redis });
};
