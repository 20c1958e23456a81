import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/index.js';
import {
  type DatabaseConnection,
  ENV_VARIABLES,
  type Env,
  envSchema,
  type LOG_LEVELS,
  type WorkerConsumer,
} from './config.schema.js';

/** Local-development defaults; a deployment sets the service variables or the original ones. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
/** mysql://root@127.0.0.1:3306/inventory */
export const DEFAULT_DATABASE: Readonly<DatabaseConnection> = {
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: undefined,
  database: 'inventory',
};
export const DEFAULT_KAFKA_BROKERS = ['127.0.0.1:9092'];
/** The original service's default database name (its DB_NAME default); named in a warning only. */
export const LEGACY_DATABASE_NAME = 'commerce-inventory';
const DEFAULT_GROUP_ID_PREFIX = 'inventory-service';

/** What a start-up should say about this environment: renamed variables, defaults that differ. */
function configWarnings(env: Env): string[] {
  const warnings: string[] = [];
  if (env.KAFKA_GROUP_ID !== undefined) {
    warnings.push(
      env.KAFKA_GROUP_ID_PREFIX === undefined
        ? 'KAFKA_GROUP_ID is read as KAFKA_GROUP_ID_PREFIX (its new name): the groups are <prefix>.<role>'
        : 'KAFKA_GROUP_ID is ignored: KAFKA_GROUP_ID_PREFIX is set',
    );
  }
  const dbVariables = [env.DB_HOST, env.DB_PORT, env.DB_USERNAME, env.DB_PASSWORD];
  if (
    env.DATABASE_URL === undefined &&
    env.DB_NAME === undefined &&
    dbVariables.some((v) => v !== undefined)
  ) {
    warnings.push(
      `DB_NAME is not set: using database '${DEFAULT_DATABASE.database}' (the original service defaulted to ` +
        `'${LEGACY_DATABASE_NAME}'; set DB_NAME to keep using that one)`,
    );
  }
  return warnings;
}

export type DatabaseConfig = DatabaseConnection;

export interface RedisConfig {
  url: string;
  /** A Redis Cluster's seed nodes (`host:port`); when set, `url` is not used. */
  clusterNodes: string[] | undefined;
}

export interface KafkaTopics {
  orderPlaced: string;
  orderConfirmed: string;
  orderCancelled: string;
  skuCreated: string;
  /** The catalog's mixed product topic: only `product.sku.created` is taken from it. */
  productDefault: string;
  stockReserved: string;
  stockReservationFailed: string;
  stockConfirmed: string;
  stockConfirmFailed: string;
  stockReleased: string;
  stockAdjusted: string;
  stockDepleted: string;
  stockRestored: string;
  stockLow: string;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** Prefix of the workers' consumer groups: `<groupIdPrefix>.<role>`. */
  groupIdPrefix: string;
  /** Used when the service creates its topics. */
  partitions: number;
  replicationFactor: number;
  topics: KafkaTopics;
}

export interface HttpConfig {
  host: string;
  port: number;
  /** Optional here so the worker and relay need no secret; the API calls requireJwtSecret. */
  jwtSecret: string | undefined;
  /** When true, GET routes need no token. */
  readsPublic: boolean;
  /** Requests per minute per token subject (per IP address without a token). */
  rateLimitMax: number;
  /** The same for SERVICE tokens; 0 = not limited. */
  rateLimitServiceMax: number;
  bodyLimitBytes: number;
}

export interface StockConfig {
  keyPrefix: string;
  reservationTtlSeconds: number;
  idempotencyTtlSeconds: number;
  finishedReservationTtlSeconds: number;
  /** Logical shards of the live store (docs/sharding.md); 1 keeps the unsharded keys. */
  shards: number;
}

export interface WorkerConfig {
  consumers: WorkerConsumer[];
  batchSize: number;
  /**
   * Where a consumer group with no committed offset starts. true (earliest) never misses an event
   * of a new deployment; set false when taking over topics another service already consumed.
   */
  fromBeginning: boolean;
}

export interface RelayConfig {
  /** Journal entries applied per MariaDB transaction, and outbox rows sent per round. */
  batchSize: number;
  pollIntervalMs: number;
  /** Published outbox rows are kept this long (for inspection and replays), then deleted. */
  outboxRetentionHours: number;
  expirySweepIntervalMs: number;
  /** Name of the lock that keeps one relay active (with shards: `<name>:<shard>`, one per shard). */
  lockName: string;
  /** Shards this relay drains at most; undefined: every shard it can lock. */
  maxShards: number | undefined;
}

/** Ports of the worker's and relay's health and metrics endpoints; 0 turns them off. */
export interface OpsConfig {
  workerPort: number;
  relayPort: number;
}

export interface Config {
  ops: OpsConfig;
  redis: RedisConfig;
  database: DatabaseConfig;
  kafka: KafkaConfig;
  http: HttpConfig;
  stock: StockConfig;
  worker: WorkerConfig;
  relay: RelayConfig;
  events: { source: string };
  log: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** Settings that work but deserve a word at start-up (a former variable name, a default that differs). */
  warnings: readonly string[];
}

/** Alias for code that names the whole configuration object after the app. */
export type AppConfig = Config;

/**
 * Reads and validates the environment. Throws one ConfigError listing every bad variable.
 * Empty values count as unset, so `FOO=` in a compose file falls back to the default.
 * Tests pass their own env object instead of touching process.env.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = envSchema.safeParse(input);
  if (!result.success) throw new ConfigError(toConfigIssues(result.error.issues));
  return toConfig(result.data);
}

/** The API cannot run without the HS256 secret; the worker and relay never need it. */
export function requireJwtSecret(config: { http: Pick<HttpConfig, 'jwtSecret'> }): string {
  const secret = config.http.jwtSecret;
  if (secret === undefined) {
    throw new ConfigError([
      { variable: 'JWT_SECRET', reason: 'is required by the API (HS256 key, at least 32 characters)' },
    ]);
  }
  return secret;
}

/** One issue per variable: the first reason is the useful one. */
function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const byVariable = new Map<string, string>();
  for (const issue of issues) {
    const variable = String(issue.path[0] ?? '(environment)');
    if (!byVariable.has(variable)) byVariable.set(variable, issue.message);
  }
  return [...byVariable].map(([variable, reason]) => ({ variable, reason }));
}

function toConfig(env: Env): Config {
  return {
    redis: { url: resolveRedisUrl(env), clusterNodes: env.REDIS_CLUSTER_NODES },
    database: resolveDatabase(env),
    kafka: {
      brokers: env.KAFKA_BROKERS ?? env.SPRING_KAFKA_BOOTSTRAP_SERVERS ?? [...DEFAULT_KAFKA_BROKERS],
      clientId: env.KAFKA_CLIENT_ID,
      groupIdPrefix: env.KAFKA_GROUP_ID_PREFIX ?? env.KAFKA_GROUP_ID ?? DEFAULT_GROUP_ID_PREFIX,
      partitions: env.KAFKA_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      topics: {
        orderPlaced: env.TOPIC_ORDER_PLACED,
        orderConfirmed: env.TOPIC_ORDER_CONFIRMED,
        orderCancelled: env.TOPIC_ORDER_CANCELLED,
        skuCreated: env.TOPIC_SKU_CREATED,
        productDefault: env.TOPIC_PRODUCT_DEFAULT,
        stockReserved: env.TOPIC_STOCK_RESERVED,
        stockReservationFailed: env.TOPIC_STOCK_RESERVATION_FAILED,
        stockConfirmed: env.TOPIC_STOCK_CONFIRMED,
        stockConfirmFailed: env.TOPIC_STOCK_CONFIRM_FAILED,
        stockReleased: env.TOPIC_STOCK_RELEASED,
        stockAdjusted: env.TOPIC_STOCK_ADJUSTED,
        stockDepleted: env.TOPIC_STOCK_DEPLETED,
        stockRestored: env.TOPIC_STOCK_RESTORED,
        stockLow: env.TOPIC_STOCK_LOW,
      },
    },
    http: {
      host: env.HTTP_HOST,
      port: env.HTTP_PORT,
      jwtSecret: env.JWT_SECRET,
      readsPublic: env.HTTP_READS_PUBLIC,
      rateLimitMax: env.HTTP_RATE_LIMIT_MAX,
      rateLimitServiceMax: env.HTTP_RATE_LIMIT_SERVICE_MAX,
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
    },
    ops: { workerPort: env.WORKER_OPS_PORT, relayPort: env.RELAY_OPS_PORT },
    stock: {
      keyPrefix: env.REDIS_KEY_PREFIX,
      reservationTtlSeconds: env.RESERVATION_TTL_SECONDS,
      idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
      finishedReservationTtlSeconds: env.FINISHED_RESERVATION_TTL_SECONDS,
      shards: env.STOCK_SHARDS,
    },
    worker: {
      consumers: env.WORKER_CONSUMERS,
      batchSize: env.WORKER_BATCH_SIZE,
      fromBeginning: env.WORKER_FROM_BEGINNING,
    },
    relay: {
      batchSize: env.RELAY_BATCH_SIZE,
      pollIntervalMs: env.RELAY_POLL_INTERVAL_MS,
      outboxRetentionHours: env.RELAY_OUTBOX_RETENTION_HOURS,
      expirySweepIntervalMs: env.RELAY_EXPIRY_SWEEP_INTERVAL_MS,
      lockName: env.RELAY_LOCK_NAME,
      maxShards: env.RELAY_MAX_SHARDS,
    },
    events: { source: env.EVENT_SOURCE },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    warnings: configWarnings(env),
  };
}

/** REDIS_URL wins; otherwise REDIS_HOST/REDIS_PORT as the original service read them. */
function resolveRedisUrl(env: Env): string {
  if (env.REDIS_URL !== undefined) return env.REDIS_URL;
  if (env.REDIS_HOST === undefined && env.REDIS_PORT === undefined) return DEFAULT_REDIS_URL;
  const host = env.REDIS_HOST ?? '127.0.0.1';
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `redis://${bracketed}:${env.REDIS_PORT ?? 6379}/0`;
}

/**
 * DATABASE_URL wins; otherwise the original service's DB_* variables, each falling back to the
 * same default as without them (setting DB_HOST alone does not change the database name).
 */
function resolveDatabase(env: Env): DatabaseConfig {
  if (env.DATABASE_URL !== undefined) return env.DATABASE_URL;
  const legacy = [env.DB_HOST, env.DB_PORT, env.DB_NAME, env.DB_USERNAME, env.DB_PASSWORD];
  if (legacy.every((value) => value === undefined)) {
    return { ...DEFAULT_DATABASE };
  }
  return {
    host: env.DB_HOST ?? DEFAULT_DATABASE.host,
    port: env.DB_PORT ?? DEFAULT_DATABASE.port,
    user: env.DB_USERNAME ?? DEFAULT_DATABASE.user,
    password: env.DB_PASSWORD ?? DEFAULT_DATABASE.password,
    database: env.DB_NAME ?? DEFAULT_DATABASE.database,
  };
}
