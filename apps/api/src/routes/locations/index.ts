import { findStockAt, publishLocations, type RedisClient, type StockRunner } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { successEnvelope } from '../../http/envelope.js';
import type { Location, LocationRepository } from '../../repositories/location.repository.js';
import { errorResponses, idempotencyHeadersSchema } from '../../schemas/common.schema.js';
import {
  createLocationBodySchema,
  locationListResponseSchema,
  locationParamsSchema,
  locationResponseSchema,
} from '../../schemas/location.schema.js';
import { locationStockRoutes } from './stock.js';

export interface LocationRoutesOptions {
  runner: StockRunner;
  redis: RedisClient;
  locations: LocationRepository;
}

const security = [{ bearerAuth: [] }];
const tags = ['locations'];

export function locationNotFound(locationId: string): ApiError {
  return new ApiError(404, ErrorCode.LOCATION_NOT_FOUND, `Location ${locationId} is unknown or inactive`, {
    details: { locationId },
  });
}

/**
 * Locations (docs/locations.md): MariaDB keeps the list; every change publishes the active ones to
 * each shard's registry, which the scripts source from. Changes run with the rows locked, so two
 * of them never interleave their publications.
 */
export const locationRoutes: FastifyPluginAsyncZod<LocationRoutesOptions> = async (app, options) => {
  const { runner, redis, locations } = options;
  const publish = (list: readonly Location[]) => publishLocations(redis, runner.layout, list);

  app.get(
    '/api/v1/admin/locations',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'listLocations',
        tags,
        summary: 'Every location, active or not, in sourcing order',
        description: 'Sourcing takes the active ones by priority (lower first), ties by id.',
        security,
        response: { 200: locationListResponseSchema, ...errorResponses(401, 403, 429, 503) },
      },
    },
    async () => successEnvelope({ items: await locations.list() }),
  );

  app.post(
    '/api/v1/admin/locations',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'createLocation',
        tags,
        summary: 'Create a location',
        description:
          '201 with the location; it is active at once and sourced in `priority` order. 409 INVENTORY-409-006 ' +
          'when the id is taken (active or not).',
        security,
        headers: idempotencyHeadersSchema,
        body: createLocationBodySchema,
        response: { 201: locationResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { locationId, name, priority } = request.body;
      const created = await locations.exclusive(async (locked) => {
        if (!(await locked.create({ locationId, name, priority }, new Date()))) return null;
        await publish(await locked.list());
        return locked.get(locationId);
      });
      if (!created) {
        throw new ApiError(409, ErrorCode.LOCATION_EXISTS, `Location ${locationId} already exists`, {
          details: { locationId },
        });
      }
      reply.code(201);
      return successEnvelope(created);
    },
  );

  app.post(
    '/api/v1/admin/locations/:locationId/deactivate',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'deactivateLocation',
        tags,
        summary: 'Deactivate an empty location',
        description:
          'It is no longer sourced and takes no stock. 409 INVENTORY-409-005 while a SKU holds stock or ' +
          'reservations there (details.skus lists up to 20): transfer the stock out and let the orders finish ' +
          'first. Deactivating an inactive location answers 200; `default` cannot be deactivated (409, reason ' +
          'DEFAULT_LOCATION).',
        security,
        headers: idempotencyHeadersSchema,
        params: locationParamsSchema,
        response: { 200: locationResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const { locationId } = request.params;
      if (locationId === 'default') {
        throw new ApiError(409, ErrorCode.LOCATION_STATE, 'The default location stays active', {
          details: { locationId, reason: 'DEFAULT_LOCATION' },
        });
      }
      const result = await locations.exclusive(async (locked) => {
        const all = await locked.list();
        const location = all.find((l) => l.locationId === locationId);
        if (!location?.active) return location ?? null;
        // Out of every registry first: from here no script moves stock in, so the check below holds.
        await publish(all.map((l) => (l.locationId === locationId ? { ...l, active: false } : l)));
        const held = await findStockAt(redis, runner.layout, locationId);
        if (held.length > 0) {
          await publish(all);
          return { held };
        }
        await locked.setActive(locationId, false, new Date());
        return locked.get(locationId);
      });
      if (result === null) throw locationNotFound(locationId);
      if ('held' in result) {
        throw new ApiError(409, ErrorCode.LOCATION_STATE, `Location ${locationId} still holds stock`, {
          details: { locationId, reason: 'NOT_EMPTY', skus: result.held },
        });
      }
      return successEnvelope(result);
    },
  );

  app.post(
    '/api/v1/admin/locations/:locationId/activate',
    {
      config: { auth: 'admin' },
      schema: {
        operationId: 'activateLocation',
        tags,
        summary: 'Activate a deactivated location again',
        description:
          'It is sourced again in `priority` order and takes stock. Activating an active location answers 200; ' +
          '404 INVENTORY-404-004 for an unknown one.',
        security,
        headers: idempotencyHeadersSchema,
        params: locationParamsSchema,
        response: { 200: locationResponseSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      const { locationId } = request.params;
      const result = await locations.exclusive(async (locked) => {
        const location = await locked.get(locationId);
        if (!location || location.active) return location;
        await locked.setActive(locationId, true, new Date());
        await publish(await locked.list());
        return locked.get(locationId);
      });
      if (result === null) throw locationNotFound(locationId);
      return successEnvelope(result);
    },
  );

  await app.register(locationStockRoutes, { runner, redis });
};
