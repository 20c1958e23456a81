import { type PartitionLag, STOCK_SCRIPT_SECONDS } from '@inventory/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface WorkerMetricsSources {
  /** The lag of this worker's consumer groups, read from the broker when Prometheus scrapes. */
  consumerLag?: () => Promise<PartitionLag[]>;
}

/** The worker's Prometheus metrics (stable names: dashboards and alerts key on them). */
export function createWorkerMetrics(sources: WorkerMetricsSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    messages: new Counter({
      name: 'inventory_worker_messages_total',
      help: 'Inbound messages handled, by consumer role and what became of them',
      labelNames: ['role', 'outcome'] as const,
      registers,
    }),
    chunkSeconds: new Histogram({
      name: 'inventory_worker_chunk_seconds',
      help: 'Time to handle one chunk (parse, pipelined scripts, dead letters)',
      labelNames: ['role'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    paused: new Counter({
      name: 'inventory_worker_restore_pauses_total',
      help: 'Chunks put back because Redis was being restored',
      registers,
    }),
    // The same name and labels as the API's: one query counts reservations from both paths.
    stockOutcomes: new Counter({
      name: 'inventory_stock_outcomes_total',
      help: 'Stock commands run for inbound events, by action and outcome',
      labelNames: ['action', 'outcome'] as const,
      registers,
    }),
    scriptSeconds: new Histogram({ ...STOCK_SCRIPT_SECONDS, registers }),
    consumerLag: new Gauge({
      name: 'inventory_consumer_lag',
      help: 'Messages not yet committed by the consumer group, per topic and partition (absent when Kafka does not answer)',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
      async collect() {
        this.reset();
        if (!sources.consumerLag) return;
        const rows = await sources.consumerLag().catch(() => []);
        for (const r of rows)
          this.set({ group: r.groupId, topic: r.topic, partition: String(r.partition) }, r.lag);
      },
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
