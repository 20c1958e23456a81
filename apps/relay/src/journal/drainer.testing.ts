import { createLogger, createRedis, type Knex, loadConfig } from '@inventory/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../../packages/core/src/reconcile/reconcile.testing.js';
import {
  createTestStock,
  type TestStock,
  testRedisUrl,
} from '../../../../packages/core/src/stock/stock.testing.js';
import { createJournalDrainer, type JournalDrainer } from './journal.drainer.js';

/** What the relay's integration tests share: real MariaDB and Redis, and a drainer of one test's journal. */
export interface DrainerFixture {
  readonly db: TestDatabase;
  readonly knex: Knex;
  readonly redis: Redis;
  /** A fresh key prefix (and runner) per test. */
  readonly t: TestStock;
  readonly drainer: JournalDrainer;
  /** Moves every journal entry into MariaDB, as the relay does. */
  drain(): Promise<void>;
}

export interface DrainerFixtureOptions {
  /** The drainer's logger, made again before each test (default: silent). */
  logger?: () => Logger;
}

/**
 * Registers the hooks: one test database and Redis connection per file; before each test an empty
 * database, a new key prefix and a drainer of its journal (batches of 100); after it, both gone.
 * A file's own beforeEach runs after these, so it can seed what the fixture made.
 */
export function useDrainerFixture(
  connectionName: string,
  options: DrainerFixtureOptions = {},
): DrainerFixture {
  let db: TestDatabase | undefined;
  let redis: Redis | undefined;
  let t: TestStock | undefined;
  let drainer: JournalDrainer | undefined;
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`drainer fixture: ${name} is only there inside a test`);
    return value;
  };
  const fixture: DrainerFixture = {
    get db() {
      return ready(db, 'db');
    },
    get knex() {
      return ready(db, 'db').knex;
    },
    get redis() {
      return ready(redis, 'redis');
    },
    get t() {
      return ready(t, 't');
    },
    get drainer() {
      return ready(drainer, 'drainer');
    },
    async drain() {
      while ((await fixture.t.journalLength()) > 0) await fixture.drainer.drainOnce(0);
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = createRedis({ url: testRedisUrl(), connectionName });
  });
  afterAll(async () => {
    await redis?.quit();
    await db?.drop();
  });
  beforeEach(async () => {
    await fixture.db.truncate();
    t = createTestStock(fixture.redis);
    drainer = createJournalDrainer({
      redis: fixture.redis,
      knex: fixture.knex,
      journalKey: t.runner.keys.journal,
      outbound: { source: 'test', topics: loadConfig({}).kafka.topics },
      logger: options.logger?.() ?? createLogger({ level: 'silent', pretty: false, name: 'test' }),
      batchSize: 100,
    });
  });
  afterEach(async () => {
    await drainer?.close();
    await t?.cleanup();
    drainer = undefined;
    t = undefined;
  });
  return fixture;
}
