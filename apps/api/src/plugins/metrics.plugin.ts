import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { type ApiMetrics, createApiMetrics } from '../api.metrics.js';

/** /metrics, and the request duration of every response, recorded by route pattern and status. */

export interface MetricsPluginOptions {
  /** The metrics the runner already reports to; a fresh set when absent (tests). */
  metrics?: ApiMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

async function metricsSetup(app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const metrics = options.metrics ?? createApiMetrics();
  const duration = metrics.requestSeconds;
  app.decorate('metrics', metrics);
  // One labelled child per (method, route, status), so an observation does not hash its labels.
  const series = new Map<string, { observe(value: number): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL: unmatched paths share one label value.
    const route = request.routeOptions.url ?? '(unmatched)';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = series.get(key);
    if (child === undefined) {
      child = duration.labels(request.method, route, String(reply.statusCode));
      series.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        description: 'Request durations, stock outcomes and process metrics in the Prometheus text format.',
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}

export const metricsPlugin = fp<MetricsPluginOptions>(metricsSetup, { name: 'metrics', fastify: '5.x' });
