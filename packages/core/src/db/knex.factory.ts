import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knex, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config/index.js';

export type { Knex };

/**
 * The repository's migrations folder. Four levels up is the repository root from both
 * packages/core/src/db (tsx, vitest) and packages/core/dist/db (built code).
 */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../../../migrations/', import.meta.url));

export const MIGRATIONS_TABLE = 'knex_migrations';

const MIGRATION_EXTENSIONS: readonly string[] = ['.ts', '.js'];

/**
 * Options handed to the mariadb connector as they are (knex passes `connection` through).
 *
 * Numbers: every BIGINT column we own stays far below 2^53 (counters are capped at 10^12 by the
 * Lua scripts, ids and versions grow by one), so BIGINTs and insert ids come back as plain
 * numbers instead of BigInt, which JSON.stringify and pino cannot serialise. `checkNumberRange`
 * makes a value that would not fit throw instead of silently rounding; `supportBigNumbers` and
 * `bigNumberStrings` stay off because they would turn large values into strings, making every
 * column `number | string`. Order ids, which can exceed 2^53, are never numeric columns: they are
 * stored as text (VARCHAR, or inside JSON text), so these options never touch them.
 *
 * JSON: `jsonStrings` returns JSON columns as text. Otherwise the connector JSON.parses them, and a
 * numeric order id above 2^53 inside reservation items or outcomes would be rounded; repositories
 * parse JSON themselves, with a parser that keeps such ids exact.
 *
 * Time: DATETIME(3) columns hold UTC. `timezone: 'Z'` sets the session time zone to +00:00, so
 * CURRENT_TIMESTAMP(3) defaults and the Date objects we write and read agree whatever the
 * server's or the container's zone; `dateStrings: false` returns Date objects.
 */
function connectionOptions(database: DatabaseConfig, withDatabase: boolean) {
  return {
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    ...(withDatabase ? { database: database.database } : {}),
    insertIdAsNumber: true,
    bigIntAsNumber: true,
    checkNumberRange: true,
    supportBigNumbers: false,
    bigNumberStrings: false,
    jsonStrings: true,
    dateStrings: false,
    timezone: 'Z',
    connectTimeout: 10_000,
  };
}

export interface KnexOptions {
  /** Where knex's own warnings go (pool errors, deprecations); console when absent. */
  log?: Knex.Logger;
}

/**
 * A Knex instance on MariaDB. `version: 'latest'` matters: without it knex reads the server's
 * "10.11.x" as the number 10.11, decides it is older than 10.5 and silently drops `.returning()`.
 */
export function createKnex(database: DatabaseConfig, options: KnexOptions = {}): Knex {
  return knex({
    client: 'mariadb',
    version: 'latest',
    connection: connectionOptions(database, true),
    ...(options.log === undefined ? {} : { log: options.log }),
    // min 0: idle services hold no connection, and a MariaDB restart leaves no dead ones behind.
    pool: { min: 0, max: 10 },
    migrations: {
      directory: MIGRATIONS_DIRECTORY,
      extension: 'ts',
      loadExtensions: MIGRATION_EXTENSIONS,
      tableName: MIGRATIONS_TABLE,
    },
  });
}

/**
 * Creates the configured database if it does not exist (never alters or drops one that does).
 * utf8mb4_bin because SKU ids are case-sensitive free text: 'a' and 'A' are different SKUs.
 */
export async function ensureDatabase(database: DatabaseConfig, options: KnexOptions = {}): Promise<void> {
  const admin = knex({
    client: 'mariadb',
    version: 'latest',
    connection: connectionOptions(database, false),
    ...(options.log === undefined ? {} : { log: options.log }),
    pool: { min: 0, max: 1 },
  });
  try {
    const name = database.database.replaceAll('`', '``');
    await admin.raw(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
}

export type MigrationDirection = 'latest' | 'rollback' | 'rollback-all';

export interface MigrationRun {
  direction: MigrationDirection;
  /** The batch applied or rolled back (0 when there was nothing to do). */
  batch: number;
  /** File names of the migrations that ran, in the order they ran. */
  migrations: string[];
}

/**
 * Lists the migrations folder like Knex's own loader (same names, file name with extension, so
 * the knex_migrations table reads the same either way) but imports each file from this module.
 * Knex's loader calls import() inside node_modules, which Node itself resolves: it cannot load a
 * .ts file under Vitest (ERR_UNKNOWN_FILE_EXTENSION), where only imports made from transformed
 * source go through Vite. An import() here goes through tsx under tsx, through Vite under Vitest,
 * and through Node for built code (which then needs .js migrations or a TypeScript loader).
 */
function createMigrationSource(directory = MIGRATIONS_DIRECTORY): Knex.MigrationSource<string> {
  return {
    async getMigrations() {
      const files = await readdir(directory);
      return files
        .filter((file) => MIGRATION_EXTENSIONS.includes(path.extname(file)) && !file.endsWith('.d.ts'))
        .sort();
    },
    getMigrationName: (file) => file,
    getMigration: (file) => import(pathToFileURL(path.join(directory, file)).href),
  };
}

/** Applies pending migrations, or rolls back the last batch, or every batch. */
export async function runMigrations(db: Knex, direction: MigrationDirection): Promise<MigrationRun> {
  // Only migrationSource is passed: adding a directory here would make knex discard the source.
  const config = { migrationSource: createMigrationSource() };
  const [batch, migrations] = (
    direction === 'latest'
      ? await db.migrate.latest(config)
      : await db.migrate.rollback(config, direction === 'rollback-all')
  ) as [number, string[]];
  return { direction, batch, migrations };
}
