import { randomUUID } from 'node:crypto';

/**
 * Addresses of the real services the integration tests talk to. `test/global-setup.ts` fills the
 * variables (from the environment, from testcontainers when a Docker engine answers, or the local
 * defaults that `scripts/infra.sh up` provides) before any test file runs.
 */
export const testServices = {
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379/0',
  databaseUrl: process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/inventory_test',
  kafkaBrokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
};

/** A key prefix no other test uses, so tests can share one Redis without cleaning it. */
export function uniquePrefix(): string {
  return `test-${randomUUID()}:`;
}
