export * from './config/index.js';
export {
  createKnex,
  ensureDatabase,
  type Knex,
  type KnexOptions,
  MIGRATIONS_DIRECTORY,
  MIGRATIONS_TABLE,
  type MigrationDirection,
  type MigrationRun,
  runMigrations,
} from './db/knex.factory.js';
export { checkShardCount } from './db/shard.count.js';
export * from './errors/index.js';
export * from './events/asyncapi.document.js';
export * from './events/inbound.parser.js';
export * from './events/inbound.schema.js';
export * from './kafka/kafka.adapter.js';
export * from './kafka/kafka.consumer.js';
export * from './kafka/kafka.lag.js';
export * from './kafka/kafka.topics.js';
export * from './logging/logger.js';
export * from './ops/ops.server.js';
export * from './reconcile/index.js';
export * from './redis/redis.factory.js';
export { isCluster, type RedisClient } from './redis/redis.groups.js';
export * from './restore/redis.restore.js';
export * from './runtime/service.runtime.js';
export * from './stock/index.js';
