import { type Knex, type RedisClient, STOCK_SCRIPT_SECONDS } from '@inventory/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface RelayMetricsSources {
  redis: RedisClient;
  knex: Knex;
  /** Every shard's journal stream. */
  journalKeys: () => string[];
}

/** The relay's Prometheus metrics; backlogs are read when Prometheus scrapes, not on a timer. */
export function createRelayMetrics(sources: RelayMetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    active: new Gauge({
      name: 'inventory_relay_active',
      help: '1 while this relay holds a lock (drains at least one shard)',
      registers,
    }),
    shards: new Gauge({
      name: 'inventory_relay_shards',
      help: 'Shards this relay drains (holds the lock of)',
      registers,
    }),
    journalBacklog: new Gauge({
      name: 'inventory_journal_backlog',
      help: 'Journal entries in Redis not yet stored in MariaDB (every shard)',
      registers,
      async collect() {
        const lengths = Promise.all(sources.journalKeys().map((key) => sources.redis.xlen(key)));
        this.set(await lengths.then((all) => all.reduce((sum, n) => sum + n, 0)).catch(() => -1));
      },
    }),
    outboxBacklog: new Gauge({
      name: 'inventory_outbox_backlog',
      help: 'Outbox rows not yet published to Kafka',
      registers,
      async collect() {
        const rows = await sources
          .knex('inventory_outbox')
          .whereNull('published_at')
          .count({ n: '*' })
          .catch(() => []);
        this.set(Number(rows[0]?.n ?? -1));
      },
    }),
    outboxAge: new Gauge({
      name: 'inventory_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers,
      async collect() {
        const row = await sources
          .knex('inventory_outbox')
          .whereNull('published_at')
          .min({ at: 'created_at' })
          .first()
          .catch(() => undefined);
        const at = row?.at ? new Date(row.at as string).getTime() : Date.now();
        this.set((Date.now() - at) / 1000);
      },
    }),
    published: new Counter({
      name: 'inventory_outbox_published_total',
      help: 'Events published to Kafka',
      registers,
    }),
    publishSeconds: new Histogram({
      name: 'inventory_relay_publish_seconds',
      help: 'Time for one outbox batch to be acknowledged by Kafka (acks=all)',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    // The expiry sweeps' scripts (the relay runs no other stock command).
    scriptSeconds: new Histogram({ ...STOCK_SCRIPT_SECONDS, registers }),
    drainSeconds: new Histogram({
      name: 'inventory_journal_drain_seconds',
      help: 'Time to store one journal batch in MariaDB',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    restores: new Counter({
      name: 'inventory_restores_total',
      help: 'Restores of Redis from MariaDB',
      registers,
    }),
    restoreSeconds: new Gauge({
      name: 'inventory_restore_last_seconds',
      help: 'Duration of the last restore',
      registers,
    }),
    reconcileRuns: new Counter({
      name: 'inventory_reconcile_runs_total',
      help: 'Reconcile passes',
      registers,
    }),
    drift: new Gauge({
      name: 'inventory_stock_drift',
      help: 'Drift items found by the last reconcile pass',
      registers,
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
