import { execSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../packages/core/src/config/index.js';
import { createKnex, ensureDatabase, runMigrations } from '../packages/core/src/db/knex.factory.js';

/**
 * Runs once before the integration tests. Service addresses come from REDIS_URL, DATABASE_URL and
 * KAFKA_BROKERS; when those are unset and a Docker engine answers, testcontainers starts them;
 * otherwise the local servers that `scripts/infra.sh up` brought up are used.
 * The tests get their own database (`inventory_test` by default), migrated to the latest version.
 */
export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  const stopContainers = await startContainersWhenNeeded();
  // An empty variable means unset, as in the shell (`KAFKA_BROKERS= pnpm test`).
  process.env.REDIS_URL ||= 'redis://127.0.0.1:6379/0';
  process.env.DATABASE_URL ||= 'mysql://root@127.0.0.1:3306/inventory_test';
  process.env.KAFKA_BROKERS ||= '127.0.0.1:9092';
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

  const config = loadConfig(process.env);
  await ensureDatabase(config.database);
  const knex = createKnex(config.database);
  try {
    await runMigrations(knex, 'latest');
  } finally {
    await knex.destroy();
  }
  return stopContainers;
}

function dockerEngineAnswers(): boolean {
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainersWhenNeeded(): Promise<() => Promise<void>> {
  const unset = !process.env.REDIS_URL && !process.env.DATABASE_URL && !process.env.KAFKA_BROKERS;
  if (!unset || !dockerEngineAnswers()) return async () => {};
  const { GenericContainer, Wait } = await import('testcontainers');
  const redis = await new GenericContainer('redis:7.0')
    .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
    .withExposedPorts(6379)
    .start();
  const mariadb = await new GenericContainer('mariadb:10.11')
    .withEnvironment({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' })
    .withExposedPorts(3306)
    .withWaitStrategy(Wait.forLogMessage(/ready for connections/, 2))
    .start();
  const kafka = await new GenericContainer('apache/kafka:4.1.1')
    .withExposedPorts({ container: 9092, host: 9092 })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  process.env.REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}/0`;
  process.env.DATABASE_URL = `mysql://root@${mariadb.getHost()}:${mariadb.getMappedPort(3306)}/inventory_test`;
  process.env.KAFKA_BROKERS = `${kafka.getHost()}:9092`;
  return async () => {
    await Promise.all([redis.stop(), mariadb.stop(), kafka.stop()]);
  };
}
