import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics on a registry per app instance (tests build many apps in one process):
 * the default process metrics, a request duration histogram by route and status, and a counter
 * of stock command outcomes (ok, replay, or the failure reason).
 */

export interface ApiMetrics {
  readonly registry: Registry;
  /** `outcome`: 'ok', 'replay' or a failure reason such as INSUFFICIENT_STOCK. */
  stockOutcome(action: string, outcome: string): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const outcomes = new Counter({
    name: 'inventory_stock_outcomes_total',
    help: 'Stock commands run by the API, by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    stockOutcome: (action, outcome) => outcomes.inc({ action, outcome }),
  };
}

async function metricsSetup(app: FastifyInstance): Promise<void> {
  const metrics = createApiMetrics();
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
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
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}

export const metricsPlugin = fp(metricsSetup, { name: 'metrics', fastify: '5.x' });
