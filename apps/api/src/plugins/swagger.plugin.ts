import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Document = ReturnType<ReturnType<typeof createJsonSchemaTransformObject>>;

/**
 * The zod provider emits every named schema twice (`X` for responses, `XInput` for requests); the
 * envelopes are response-only, so the unused twins are dropped to keep the document readable.
 */
export function dropUnusedSchemas(document: Document): Document {
  const openapi = document as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = { ...(openapi.components?.schemas ?? {}) };
  const refs = (value: unknown) =>
    new Set([...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
  // Follow references from the paths through the schemas they name, transitively.
  const used = refs(openapi.paths ?? {});
  for (let grew = true; grew; ) {
    const size = used.size;
    for (const name of [...used]) for (const ref of refs(schemas[name as string] ?? null)) used.add(ref);
    grew = used.size > size;
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return { ...document, components: { ...openapi.components, schemas } } as Document;
}

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
        description:
          'Live stock per SKU, admin adjustments and synchronous reservations. Every JSON answer is an ' +
          'envelope: `{success, data, timestamp}` or `{success: false, error: {code, message, details?, ' +
          'fieldErrors?}, timestamp}`. Writes accept an `Idempotency-Key` header.',
      },
      tags: [
        { name: 'inventory', description: 'Stock queries' },
        { name: 'admin', description: 'Stock adjustments (role ADMIN)' },
        { name: 'reservations', description: 'Synchronous reservations (role ADMIN or SERVICE)' },
        { name: 'operations', description: 'Health, metrics and documentation' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform: createJsonSchemaTransform({}),
    transformObject: (input) => dropUnusedSchemas(createJsonSchemaTransformObject({})(input)),
  });
}

export const swaggerPlugin = fp(swaggerSetup, { name: 'swagger', fastify: '5.x' });
