import closeWithGrace from 'close-with-grace';
import type { Knex } from 'knex';
import { type AppConfig, loadConfig } from '../config/index.js';
import { createKnex } from '../db/knex.factory.js';
import { checkShardCount } from '../db/shard.count.js';
import { createMessageBus, type MessageBus } from '../kafka/kafka.adapter.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createRedisClient } from '../redis/redis.factory.js';
import { isTransientRedisError, type RedisClient } from '../redis/redis.groups.js';
import { createStockRunner, type StockRunner, type StockRunnerOptions } from '../stock/index.js';

/** The connected clients every app starts from. */
export interface ServiceDeps {
  config: AppConfig;
  logger: Logger;
  /** A single Redis, or a Redis Cluster client when REDIS_CLUSTER_NODES is set. */
  redis: RedisClient;
  knex: Knex;
  bus: MessageBus;
}

export type StopFn = () => Promise<void>;

export interface ServiceOptions {
  /** See RedisOptions.autoPipelining: the API turns it on, the worker and relay do not. */
  redisAutoPipelining?: boolean;
  /**
   * False for a service that never talks to Kafka (the API: the relay publishes its events), so
   * it starts, and serves, while the broker is down. Default true: the broker must answer at start.
   */
  usesKafka?: boolean;
  /** See LoggerOptions.buffered: the API, which logs every request, turns it on. */
  bufferedLogs?: boolean;
}

/** Connects to Redis, MariaDB and Kafka, failing fast with a clear message if one is missing. */
export async function createServiceDeps(
  name: string,
  config = loadConfig(),
  options: ServiceOptions = {},
): Promise<ServiceDeps> {
  const logger = createLogger({
    name,
    level: config.log.level,
    pretty: config.log.pretty,
    buffered: options.bufferedLogs,
  });
  for (const warning of config.warnings) logger.warn(warning);
  const redis = createRedisClient({
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    connectionName: `inventory-${name}`,
    autoPipelining: options.redisAutoPipelining,
  });
  const knex = createKnex(config.database);
  const bus = createMessageBus({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-${name}`,
    logger,
  });
  const kafkaCheck = options.usesKafka === false ? undefined : bus.ping();
  await Promise.all([redis.connect().then(() => redis.ping()), knex.raw('SELECT 1'), kafkaCheck]);
  await checkShardCount(knex, config.stock.shards);
  return { config, logger, redis, knex, bus };
}

export async function closeServiceDeps(deps: ServiceDeps): Promise<void> {
  await Promise.allSettled([deps.knex.destroy(), deps.redis.quit()]);
}

/**
 * The shape of every app's main: build the deps, start, and on SIGTERM/SIGINT stop taking work,
 * let `stop` finish what is in flight, close the clients and exit 0.
 */
export async function runService(
  name: string,
  start: (deps: ServiceDeps) => Promise<StopFn>,
  options: ServiceOptions = {},
): Promise<void> {
  const deps = await createServiceDeps(name, loadConfig(), options);
  const stop = await start(deps);
  deps.logger.info(`${name} ready`);
  // ioredis' cluster client can leave a command's promise rejected and unobserved while a master
  // fails over (the caller already got the error or a retried answer): that is no reason to stop.
  // Any other unhandled rejection is a bug: rethrown, it stops the process as an uncaught error.
  process.on('unhandledRejection', (reason) => {
    if (!isTransientRedisError(reason)) throw reason;
    deps.logger.warn({ err: reason }, 'unobserved transient Redis error ignored');
  });
  closeWithGrace({ delay: 20_000, skip: ['unhandledRejection'] }, async ({ signal, err }) => {
    if (err) deps.logger.error({ err }, `${name} stopping after an error`);
    else deps.logger.info({ signal }, `${name} stopping`);
    await stop();
    await closeServiceDeps(deps);
    deps.logger.info(`${name} stopped`);
  });
}

/** The stock runner with the configured key prefix and TTLs: the same for the api, worker and relay. */
export function createConfiguredStockRunner(
  redis: RedisClient,
  config: AppConfig,
  extra: Pick<StockRunnerOptions, 'onScripts'> = {},
): StockRunner {
  return createStockRunner({
    ...extra,
    redis,
    keyPrefix: config.stock.keyPrefix,
    shards: config.stock.shards,
    reservationTtlSeconds: config.stock.reservationTtlSeconds,
    finishedTtlSeconds: config.stock.finishedReservationTtlSeconds,
    idempotencyTtlSeconds: config.stock.idempotencyTtlSeconds,
  });
}
