import { z } from 'zod';

/**
 * The flat environment the service reads, one field per variable. Every field is validated on its
 * own, so one parse reports every bad variable at once; fallbacks and nesting happen afterwards in
 * config.loader.ts, where nothing can fail any more. Field names are the variable names: a zod
 * issue's path[0] is the variable to blame.
 */

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Digits only: '12abc', '1e3', '0x10', ' 12' and '-1' are all rejected rather than coerced. */
function integer(min: number, max = MAX_INT) {
  const rule = max === MAX_INT ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return z.string().transform((raw, ctx) => {
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be ${rule} written with digits only` });
      return z.NEVER;
    }
    return value;
  });
}

/** Exactly true/false/1/0: a typo like 'yes' or 'ture' must fail, not silently mean false. */
function boolean() {
  return z
    .enum(['true', 'false', '1', '0'], { error: 'must be one of true, false, 1, 0' })
    .transform((raw) => raw === 'true' || raw === '1');
}

const HOST_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+|[0-9A-Fa-f:]+)$/;

function host() {
  return z.string().regex(HOST_PATTERN, { error: 'must be a host name or IP address' });
}

/** `host:port[,host:port…]`, spaces around commas allowed; the list keeps the given order. */
function brokerList() {
  return z.string().transform((raw, ctx) => {
    const brokers = raw.split(',').map((entry) => entry.trim());
    const valid = brokers.every((broker) => {
      const match = /^(.+):([0-9]{1,5})$/.exec(broker);
      return (
        match !== null &&
        HOST_PATTERN.test(match[1] ?? '') &&
        Number(match[2]) >= 1 &&
        Number(match[2]) <= 65535
      );
    });
    if (!valid) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of host:port' });
      return z.NEVER;
    }
    return brokers;
  });
}

/** Kafka's own rule for topic names. */
function topic(defaultName: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'must be 1-249 characters of A-Z a-z 0-9 . _ -' })
    .default(defaultName);
}

/** Connection parts of the MariaDB database, whichever variables they came from. */
export interface DatabaseConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

/**
 * A database name we can always put between backticks in CREATE DATABASE: MariaDB's limit of 64
 * characters, and none of the characters it forbids or we would have to escape.
 */
const DATABASE_NAME_PATTERN = /^[^/\\.`\s\p{Cc}]{1,64}$/u;
const DATABASE_NAME_RULE = 'a database name of 1-64 characters without / \\ . ` or spaces';

/** Parses mysql://user:password@host:port/database (mariadb:// too); percent-escapes decoded. */
export function parseDatabaseUrl(raw: string): DatabaseConnection | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') return undefined;
  // Driver options in a query string would be silently ignored: refuse them instead.
  if (url.search !== '' || url.hash !== '') return undefined;
  try {
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (hostname === '' || !DATABASE_NAME_PATTERN.test(database)) return undefined;
    return {
      host: hostname,
      port: url.port === '' ? 3306 : Number(url.port),
      user: url.username === '' ? 'root' : decodeURIComponent(url.username),
      password: url.password === '' ? undefined : decodeURIComponent(url.password),
      database,
    };
  } catch {
    return undefined; // a malformed percent-escape
  }
}

function databaseUrl() {
  return z.string().transform((raw, ctx) => {
    const parsed = parseDatabaseUrl(raw);
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be mysql://user:password@host:port/database (or mariadb://, no query options) naming ${DATABASE_NAME_RULE}`,
      });
      return z.NEVER;
    }
    return parsed;
  });
}

function redisUrl() {
  return z.string().refine(
    (raw) => {
      try {
        const url = new URL(raw);
        return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: 'must be a redis:// or rediss:// URL with a host' },
  );
}

export const WORKER_CONSUMERS = [
  'order-placed',
  'order-confirmed',
  'order-cancelled',
  'sku-created',
] as const;
export type WorkerConsumer = (typeof WORKER_CONSUMERS)[number];

/** A comma-separated subset of WORKER_CONSUMERS; duplicates collapse, order is kept. */
function consumerList() {
  return z.string().transform((raw, ctx) => {
    const names = raw.split(',').map((entry) => entry.trim());
    const known = new Set<string>(WORKER_CONSUMERS);
    if (!names.every((name) => known.has(name))) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a comma-separated list of ${WORKER_CONSUMERS.join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as WorkerConsumer[];
  });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const envSchema = z.object({
  // Redis: REDIS_URL, else the original service's REDIS_HOST/REDIS_PORT.
  REDIS_URL: redisUrl().optional(),
  REDIS_HOST: host().optional(),
  REDIS_PORT: integer(1, 65535).optional(),
  // A Redis Cluster's seed nodes (host:port,…): set, the apps use a cluster client and ignore REDIS_URL.
  REDIS_CLUSTER_NODES: brokerList().optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[^\s{}]{1,64}$/, {
      error: 'must be 1-64 characters without spaces or braces (braces would break hash tags)',
    })
    .default('inventory:'),

  // MariaDB: DATABASE_URL, else the original service's DB_* variables.
  DATABASE_URL: databaseUrl().optional(),
  DB_HOST: host().optional(),
  DB_PORT: integer(1, 65535).optional(),
  DB_NAME: z
    .string()
    .regex(DATABASE_NAME_PATTERN, { error: `must be ${DATABASE_NAME_RULE}` })
    .optional(),
  DB_USERNAME: z.string().max(80, { error: 'must be at most 80 characters' }).optional(),
  DB_PASSWORD: z.string().optional(),

  // Kafka: KAFKA_BROKERS, else the original service's SPRING_KAFKA_BOOTSTRAP_SERVERS.
  KAFKA_BROKERS: brokerList().optional(),
  SPRING_KAFKA_BOOTSTRAP_SERVERS: brokerList().optional(),
  KAFKA_CLIENT_ID: z.string().min(1).max(255).default('inventory-service'),
  // Prefix of the workers' consumer groups (`<prefix>.<role>`, one group per consumer role).
  KAFKA_GROUP_ID_PREFIX: z.string().min(1).max(200).optional(),
  // The former name of KAFKA_GROUP_ID_PREFIX, still read (with a warning at start-up).
  KAFKA_GROUP_ID: z.string().min(1).max(200).optional(),
  KAFKA_PARTITIONS: integer(1, 10_000).default(3),
  KAFKA_REPLICATION_FACTOR: integer(1, 32).default(1),

  // Topic names (docs/contract.md §2 and §3); each overridable for renamed or per-environment topics.
  TOPIC_ORDER_PLACED: topic('koosco.commerce.order.placed'),
  TOPIC_ORDER_CONFIRMED: topic('koosco.commerce.order.confirmed'),
  TOPIC_ORDER_CANCELLED: topic('koosco.commerce.order.cancelled'),
  TOPIC_SKU_CREATED: topic('koosco.commerce.sku.created'),
  TOPIC_PRODUCT_DEFAULT: topic('koosco.commerce.product.default'),
  TOPIC_STOCK_RESERVED: topic('koosco.commerce.stock.reserved'),
  TOPIC_STOCK_RESERVATION_FAILED: topic('koosco.commerce.stock.reservation.failed'),
  TOPIC_STOCK_CONFIRMED: topic('koosco.commerce.stock.confirmed'),
  TOPIC_STOCK_CONFIRM_FAILED: topic('koosco.commerce.stock.confirm.failed'),
  TOPIC_STOCK_RELEASED: topic('koosco.commerce.stock.released'),
  TOPIC_STOCK_ADJUSTED: topic('koosco.commerce.stock.adjusted'),
  TOPIC_STOCK_DEPLETED: topic('koosco.commerce.stock.depleted'),
  TOPIC_STOCK_RESTORED: topic('koosco.commerce.stock.restored'),
  TOPIC_STOCK_LOW: topic('koosco.commerce.stock.low'),

  // HTTP API.
  HTTP_HOST: host().default('0.0.0.0'),
  HTTP_PORT: integer(1, 65535).default(8083),
  WORKER_OPS_PORT: integer(0, 65535).default(9464),
  RELAY_OPS_PORT: integer(0, 65535).default(9465),
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters (HS256 key)' }).optional(),
  HTTP_READS_PUBLIC: boolean().default(false),
  // Requests per minute per token subject (per IP address for requests without a token).
  HTTP_RATE_LIMIT_MAX: integer(1).default(6000),
  // The same for tokens with the SERVICE role; 0 = not limited (service-to-service traffic).
  HTTP_RATE_LIMIT_SERVICE_MAX: integer(0).default(0),
  HTTP_BODY_LIMIT_BYTES: integer(1024, 100 * 1024 * 1024).default(1024 * 1024),

  // Stock model (docs/stock-model.md).
  RESERVATION_TTL_SECONDS: integer(1).default(900),
  IDEMPOTENCY_TTL_SECONDS: integer(1).default(86_400),
  FINISHED_RESERVATION_TTL_SECONDS: integer(1).default(604_800),
  // Logical shards of the live store (docs/sharding.md); fixed for the data once recorded.
  STOCK_SHARDS: integer(1, 1024).default(1),

  // Worker.
  WORKER_CONSUMERS: consumerList().default(() => [...WORKER_CONSUMERS]),
  WORKER_BATCH_SIZE: integer(1, 10_000).default(100),
  WORKER_FROM_BEGINNING: boolean().default(true),

  // Relay.
  RELAY_BATCH_SIZE: integer(1, 10_000).default(500),
  RELAY_POLL_INTERVAL_MS: integer(1).default(100),
  RELAY_OUTBOX_RETENTION_HOURS: integer(0).default(24),
  RELAY_EXPIRY_SWEEP_INTERVAL_MS: integer(1).default(1000),
  // GET_LOCK names are limited to 64 characters.
  RELAY_LOCK_NAME: z
    .string()
    .min(1)
    .max(64, { error: 'must be at most 64 characters' })
    .default('inventory-relay'),
  // Shards one relay drains at most (default: every shard); ceil(shards / relays) spreads them.
  RELAY_MAX_SHARDS: integer(1, 1024).optional(),

  // Events and logging.
  EVENT_SOURCE: z.string().min(1).default('inventory-service'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_PRETTY: boolean().default(false),
});

/** The validated flat environment. */
export type Env = z.output<typeof envSchema>;

/** Every variable the service reads; anything else in the environment is ignored. */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as ReadonlyArray<keyof Env>;
