import type { OrderIdType, StockRunner } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { successEnvelope } from '../../http/envelope.js';
import { outcomeLabel } from '../../http/stock-outcome.js';
import { writeContext } from '../../http/write-context.js';
import { OPTIONAL_BODY } from '../../openapi/openapi.document.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';
import {
  confirmBodySchema,
  extendBodySchema,
  orderParamsSchema,
  releaseBodySchema,
  reservationResponseSchema,
  reserveBodySchema,
} from '../../schemas/reservation.schema.js';
import { mapReserveOutcome, mapSettleOutcome, notFound, reservationView } from './reservation.mapper.js';

export interface ReservationRoutesOptions {
  runner: StockRunner;
}

const security = [{ bearerAuth: [] }];
const decimalOrderId = /^-?(0|[1-9][0-9]{0,19})$/;

/**
 * The type a path orderId most likely had: the record's own type wins inside the scripts, so this
 * only matters for an order the core has never seen.
 */
function pathOrderIdType(orderId: string): OrderIdType {
  return decimalOrderId.test(orderId) ? 'number' : 'string';
}

/**
 * Synchronous reservations: the same runner commands as order.placed / confirmed / cancelled, so an
 * HTTP reservation and a Kafka event for one order are one reservation. A numeric orderId above
 * 2^53 goes back with every digit (the app's response serializer is lossless).
 */
export const reservationRoutes: FastifyPluginAsyncZod<ReservationRoutesOptions> = async (app, { runner }) => {
  app.post(
    '/api/v1/reservations',
    {
      config: { auth: 'reservation' },
      schema: {
        operationId: 'createReservation',
        tags: ['reservations'],
        summary: 'Reserve every item of an order, or none',
        description:
          'Same semantics as order.placed. 201 with the reservation; a repeat for the same orderId returns the ' +
          'first answer. 409 INVENTORY-409-001 with details.failedItems when stock is short or a SKU is unknown. ' +
          'A SKU may be listed more than once (quantities add up); 400 when the order names more than 100 ' +
          'distinct SKUs or a merged quantity passes 10^9. Stock per location (docs/locations.md): an item may ' +
          'name a `locationId` (404 INVENTORY-404-004 when it is unknown or inactive); otherwise locations are ' +
          'picked by priority, split when one runs short unless `allowSplit` is false. With `allowPartial` the ' +
          'order holds what there is and lists the rest in `shortItems`.',
        security,
        headers: idempotencyHeadersSchema,
        body: reserveBodySchema,
        response: {
          201: reservationResponseSchema,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { orderId: ref, items, ttlSeconds, correlationId, allowPartial, allowSplit } = request.body;
      const context = writeContext(request, ref.orderId, correlationId);
      const outcome = await runner.reserve({
        ...context,
        ...ref,
        items,
        ttlSeconds,
        allowPartial,
        allowSplit,
      });
      app.metrics.stockOutcome('reserve', outcomeLabel(outcome));
      const view = mapReserveOutcome(outcome, ref.orderId);
      request.log.info({ orderId: ref.orderId, correlationId: context.correlationId }, 'reservation created');
      reply.code(201);
      return successEnvelope(view, outcome.entry?.at);
    },
  );

  app.get(
    '/api/v1/reservations/:orderId',
    {
      config: { auth: 'reservation' },
      schema: {
        operationId: 'getReservation',
        tags: ['reservations'],
        summary: 'A reservation: status, items, expiresAt',
        description:
          'The reservation of one order as the live store holds it, whichever path (HTTP or order.placed) ' +
          'made it. 404 INVENTORY-404-003 when the order has none.',
        security,
        params: orderParamsSchema,
        response: { 200: reservationResponseSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const reservation = await runner.getReservation(request.params.orderId);
      const view = reservation === null ? null : reservationView(reservation);
      if (view === null) throw notFound(request.params.orderId);
      return successEnvelope(view);
    },
  );

  const settleSchema = {
    tags: ['reservations'],
    security,
    params: orderParamsSchema,
    headers: idempotencyHeadersSchema,
    response: {
      200: reservationResponseSchema,
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
    },
  };
  const settleDescription =
    'Same semantics as the Kafka path; acts on what was reserved for the order, and a repeat returns the first ' +
    'answer. 404 INVENTORY-404-003 when there is no reservation; 409 INVENTORY-409-004 when it expired, was ' +
    'released or (release) was already confirmed.';

  app.post(
    '/api/v1/reservations/:orderId/confirm',
    {
      config: { auth: 'reservation' },
      schema: {
        ...settleSchema,
        operationId: 'confirmReservation',
        summary: 'Confirm: deduct what was reserved',
        description: settleDescription,
        body: confirmBodySchema,
        [OPTIONAL_BODY]: true,
      },
    },
    async (request) => {
      const { orderId } = request.params;
      const context = writeContext(request, orderId);
      const outcome = await runner.confirm({ ...context, orderId, orderIdType: pathOrderIdType(orderId) });
      app.metrics.stockOutcome('confirm', outcomeLabel(outcome));
      const view = mapSettleOutcome(outcome, orderId, 'CONFIRMED');
      return successEnvelope(view, outcome.entry?.at);
    },
  );

  app.post(
    '/api/v1/reservations/:orderId/release',
    {
      config: { auth: 'reservation' },
      schema: {
        ...settleSchema,
        operationId: 'releaseReservation',
        summary: 'Release: give the reserved stock back',
        description: settleDescription,
        body: releaseBodySchema,
        [OPTIONAL_BODY]: true,
      },
    },
    async (request) => {
      const { orderId } = request.params;
      const context = writeContext(request, orderId);
      const reason = request.body?.reason ?? 'MANUAL';
      const outcome = await runner.release({
        ...context,
        orderId,
        orderIdType: pathOrderIdType(orderId),
        reason,
      });
      app.metrics.stockOutcome('release', outcomeLabel(outcome));
      const view = mapSettleOutcome(outcome, orderId, 'RELEASED');
      return successEnvelope(view, outcome.entry?.at);
    },
  );

  app.post(
    '/api/v1/reservations/:orderId/extend',
    {
      config: { auth: 'reservation' },
      schema: {
        ...settleSchema,
        operationId: 'extendReservation',
        summary: 'Extend: move the deadline of a RESERVED order to now + ttlSeconds',
        description:
          '200 with the reservation and its new expiresAt. 404 INVENTORY-404-003 when there is no reservation; ' +
          '409 INVENTORY-409-004 when it is past its deadline, released or confirmed. A retry moves the deadline ' +
          'again, to now + ttlSeconds of the retry.',
        body: extendBodySchema,
      },
    },
    async (request) => {
      const { orderId } = request.params;
      const context = writeContext(request, orderId);
      const { ttlSeconds } = request.body;
      const outcome = await runner.extend({
        ...context,
        orderId,
        orderIdType: pathOrderIdType(orderId),
        ttlSeconds,
      });
      app.metrics.stockOutcome('extend', outcomeLabel(outcome));
      const view = mapSettleOutcome(outcome, orderId, 'RESERVED');
      return successEnvelope(view, outcome.entry?.at);
    },
  );
};
