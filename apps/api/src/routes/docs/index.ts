import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';

/**
 * Swagger UI at /docs (the original service's /swagger-ui.html redirects there), the raw OpenAPI
 * document, and the AsyncAPI document of the events.
 */
export interface DocsRoutesOptions {
  /** The AsyncAPI document of the service's Kafka side, served beside the OpenAPI one. */
  asyncApi: Record<string, unknown>;
}

export const docsRoutes: FastifyPluginAsync<DocsRoutesOptions> = async (app, { asyncApi }) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
  });
  app.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['operations'],
        summary: 'The OpenAPI document',
        description: 'This document: every operation, schema and error of the HTTP API (OpenAPI 3.0).',
        response: {
          200: {
            description: 'An OpenAPI 3.0 document',
            content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } },
          },
        },
      },
    },
    async () => app.swagger(),
  );
  app.get(
    '/asyncapi.json',
    {
      schema: {
        operationId: 'getAsyncApiDocument',
        tags: ['operations'],
        summary: 'The AsyncAPI document of the Kafka events',
        description:
          'The topics the service consumes and publishes, and the CloudEvents on each (AsyncAPI 3.0), with ' +
          'the topic names this instance is configured with.',
        response: {
          200: {
            description: 'An AsyncAPI 3.0 document',
            content: { 'application/json': { schema: z.looseObject({ asyncapi: z.string() }) } },
          },
        },
      },
    },
    async () => asyncApi,
  );
  app.get('/swagger-ui.html', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/docs', 302),
  );
};
