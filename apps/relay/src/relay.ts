import {
  type BusProducer,
  type Config,
  isRestored,
  type Knex,
  type Logger,
  type MessageBus,
  purgeHttpIdempotency,
  type RedisClient,
  reconcile,
  restoreFromDatabase,
  type StockRunner,
} from '@inventory/core';
import { createJournalDrainer } from './journal/journal.drainer.js';
import { createOutboxPublisher } from './outbox/outbox.publisher.js';
import type { RelayMetrics } from './relay.metrics.js';
import { startTaskLoop } from './task.loop.js';

/** How often the active relay compares Redis with MariaDB (report only). */
const RECONCILE_INTERVAL_MS = 5 * 60_000;

export interface RelayDeps {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  knex: Knex;
  bus: MessageBus;
  runner: StockRunner;
  metrics?: RelayMetrics;
  /** The shard this relay drains (docs/sharding.md, "Relays"); 0, the only one, by default. */
  shard?: number;
}

export interface ActiveRelay {
  stop(): Promise<void>;
}

/**
 * The active relay's work for one shard: drain its journal into MariaDB, publish its outbox rows,
 * expire its reservations past their deadline, restore it when Redis lost it. The holder of shard
 * 0 also purges old published rows. Each is an independent loop.
 */
export async function startActiveRelay(deps: RelayDeps): Promise<ActiveRelay> {
  const { config } = deps;
  const relay = config.relay;
  const shard = deps.shard ?? 0;
  const { layout } = deps.runner;
  const keys = layout.keys(shard);
  const logger = layout.count > 1 ? deps.logger.child({ shard }) : deps.logger;
  // XREADGROUP BLOCK holds its connection: give it its own, so expiry sweeps never wait behind it.
  const blockingRedis = deps.redis.duplicate();
  const producer: BusProducer = await deps.bus.createProducer();
  const outbound = { source: config.events.source, topics: config.kafka.topics };
  const publisher = createOutboxPublisher({
    knex: deps.knex,
    producer,
    logger,
    shard,
    batchSize: relay.batchSize,
    onPublish: (_events, seconds) => deps.metrics?.publishSeconds.observe(seconds),
  });
  const drainer = createJournalDrainer({
    redis: blockingRedis,
    knex: deps.knex,
    journalKey: keys.journal,
    source: { shard, qualified: layout.count > 1 },
    outbound,
    logger,
    batchSize: relay.batchSize,
    // Committed rows go to the publisher at once: no SELECT, no poll between store and send.
    onStored: (rows) => {
      publisher.offer(rows);
      publish.wake();
    },
  });

  const publish = startTaskLoop(
    'outbox publisher',
    async () => {
      const published = await publisher.publishOnce();
      deps.metrics?.published.inc(published);
      return published > 0;
    },
    relay.pollIntervalMs,
    logger,
  );
  const restoreOptions = {
    redis: deps.redis,
    knex: deps.knex,
    keys,
    ...(layout.count > 1 ? { layout, shard } : {}),
    logger,
    finishedTtlSeconds: config.stock.finishedReservationTtlSeconds,
    idempotencyTtlSeconds: config.stock.idempotencyTtlSeconds,
  };
  const drain = startTaskLoop(
    'journal drainer',
    async () => {
      if (!(await isRestored(deps.redis, keys))) {
        // Redis lost its data (or never had the marker): what is left of the journal goes to
        // MariaDB first, then Redis is rebuilt from it. The same loop, so batches stay in order.
        logger.warn('Redis has no restored-data marker: draining the journal, then restoring from MariaDB');
        while ((await drainer.drainOnce(0)).entries > 0);
        const report = await restoreFromDatabase(restoreOptions);
        deps.metrics?.restores.inc();
        deps.metrics?.restoreSeconds.set(report.ms / 1000);
        return true;
      }
      const endTimer = deps.metrics?.drainSeconds.startTimer();
      try {
        const { entries } = await drainer.drainOnce(relay.pollIntervalMs);
        if (entries > 0) endTimer?.();
        return entries > 0;
      } catch (err) {
        // A commit whose answer was lost may have stored rows that were never offered.
        publisher.rescan();
        throw err;
      }
    },
    0,
    logger,
  );
  const expire = startTaskLoop(
    'expiry sweeper',
    async () => {
      const sweep = await deps.runner.expireDue(relay.batchSize, { actor: 'relay:expiry', shards: [shard] });
      if (sweep.expired > 0) logger.info({ expired: sweep.expired }, 'reservations expired');
      return sweep.due >= relay.batchSize;
    },
    relay.expirySweepIntervalMs,
    logger,
  );
  const purge =
    shard !== 0
      ? undefined
      : startTaskLoop(
          'retention purge', // published outbox rows and expired Idempotency-Keys
          async () => {
            const published = await publisher.purge(relay.outboxRetentionHours);
            const keys = await purgeHttpIdempotency(deps.knex, config.stock.idempotencyTtlSeconds);
            return published + keys > 0;
          },
          60_000,
          logger,
        );
  // Report-only: a drift means a bug or an operator's hand in Redis; `pnpm reconcile -- --repair` fixes it.
  const reconcileLoop = startTaskLoop(
    'reconcile',
    async () => {
      const report = await reconcile({ ...restoreOptions, repair: false });
      deps.metrics?.reconcileRuns.inc();
      if (!report.skipped) deps.metrics?.drift.set(report.drift.length);
      if (report.drift.length > 0)
        logger.error(
          { drift: report.drift.length, counts: report.counts },
          'stock drift between Redis and MariaDB',
        );
      return false;
    },
    RECONCILE_INTERVAL_MS,
    logger,
  );

  return {
    async stop() {
      // The drainer first, so what it stored still gets published by the last publisher round.
      await drain.stop();
      await Promise.all([expire.stop(), purge?.stop(), reconcileLoop.stop()]);
      await publish.stop();
      while ((await publisher.publishOnce().catch(() => 0)) > 0);
      await publisher.settle();
      await drainer.close();
      await producer.disconnect();
      blockingRedis.disconnect();
    },
  };
}
