import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The worker's Prometheus metrics (stable names: dashboards and alerts key on them). */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messages: new Counter({
      name: 'inventory_worker_messages_total',
      help: 'Inbound messages handled, by consumer role and what became of them',
      labelNames: ['role', 'outcome'] as const,
      registers: [registry],
    }),
    chunkSeconds: new Histogram({
      name: 'inventory_worker_chunk_seconds',
      help: 'Time to handle one chunk (parse, pipelined scripts, dead letters)',
      labelNames: ['role'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    paused: new Counter({
      name: 'inventory_worker_restore_pauses_total',
      help: 'Chunks put back because Redis was being restored',
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
