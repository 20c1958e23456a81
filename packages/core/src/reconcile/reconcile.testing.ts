import { randomBytes } from 'node:crypto';
import { type Logger, pino } from 'pino';
import { type DatabaseConfig, loadConfig } from '../config/index.js';
import { createKnex, ensureDatabase, type Knex, runMigrations } from '../db/knex.factory.js';

/** Helpers for reconcile's integration tests (real MariaDB, one database per test file). */

const TABLES = [
  'inventory_snapshot',
  'inventory_stock_location',
  'inventory_ledger',
  'inventory_reservation',
  'inventory_event_idempotency',
  'inventory_outbox',
];

export interface TestDatabase {
  knex: Knex;
  /** Empties every inventory table: reconcile reads whole tables. */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

/** A migrated database of its own, `inventory_test_rec_<random>`, on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/inventory_test',
  });
  const database: DatabaseConfig = {
    ...server.database,
    database: `inventory_test_rec_${randomBytes(6).toString('hex')}`,
  };
  await ensureDatabase(database);
  const knex = createKnex(database);
  await runMigrations(knex, 'latest');
  return {
    knex,
    async truncate() {
      for (const table of TABLES) await knex(table).truncate();
    },
    async drop() {
      await knex.destroy();
      const admin = createKnex({ ...database, database: 'information_schema' });
      try {
        await admin.raw(`DROP DATABASE IF EXISTS \`${database.database}\``);
      } finally {
        await admin.destroy();
      }
    },
  };
}

export interface LogLine {
  level: number;
  msg: string;
  drift?: unknown;
}

/** A pino logger whose lines land in `lines`, parsed. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
