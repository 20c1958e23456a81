import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';

/** Swagger UI at /docs (the original service's /swagger-ui.html redirects there) and the raw document. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
  });
  app.get('/openapi.json', { schema: { tags: ['operations'], summary: 'The OpenAPI document' } }, async () =>
    app.swagger(),
  );
  app.get('/swagger-ui.html', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/docs', 302),
  );
};
