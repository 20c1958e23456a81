import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { describeResponses, dropUnusedSchemas } from '../openapi/openapi.document.js';

/**
 * The OpenAPI document, built from the same zod schemas that validate requests. Registered before
 * the routes, so its onRoute hook sees every one of them. Swagger UI's own routes hide themselves.
 */
async function swaggerSetup(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Inventory service API',
        version: '1.0.0',
        contact: { name: 'Inventory service maintainers' },
        description:
          'Live stock per SKU, admin adjustments and synchronous reservations. Every JSON answer is an ' +
          'envelope: `{success, data, timestamp}` or `{success: false, error: {code, message, details?, ' +
          'fieldErrors?}, timestamp}`. Writes accept an `Idempotency-Key` header.',
      },
      servers: [{ url: 'http://localhost:8083', description: 'Local development (the Quick start)' }],
      tags: [
        { name: 'inventory', description: 'Stock queries' },
        { name: 'admin', description: 'Stock adjustments (role ADMIN)' },
        { name: 'reservations', description: 'Synchronous reservations (role ADMIN or SERVICE)' },
        { name: 'locations', description: 'Stock locations: create, list, deactivate (role ADMIN)' },
        { name: 'operations', description: 'Health, metrics and documentation' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform: createJsonSchemaTransform({}),
    transformObject: (input) =>
      describeResponses(dropUnusedSchemas(createJsonSchemaTransformObject({})(input))),
  });
}

export const swaggerPlugin = fp(swaggerSetup, { name: 'swagger', fastify: '5.x' });
