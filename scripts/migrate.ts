// Creates the database if needed and applies (or rolls back) the Knex migrations.
//
//   pnpm migrate             = tsx scripts/migrate.ts latest
//   pnpm migrate:rollback    = tsx scripts/migrate.ts rollback      (the last batch)
//   tsx scripts/migrate.ts rollback-all                             (every batch)
//
// Configuration comes from the environment like the services (DATABASE_URL, or the original
// DB_* variables); see .env.example. Exits 1 with one readable line on failure.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../packages/core/src/config/index.js';
import {
  createKnex,
  ensureDatabase,
  MIGRATIONS_DIRECTORY,
  type MigrationDirection,
  type MigrationRun,
  runMigrations,
} from '../packages/core/src/db/knex.factory.js';

const DIRECTIONS: readonly MigrationDirection[] = ['latest', 'rollback', 'rollback-all'];

function isDirection(value: string | undefined): value is MigrationDirection {
  return DIRECTIONS.includes(value as MigrationDirection);
}

/** Runs one migration command against the configured database; the caller prints and exits. */
export async function migrate(
  direction: MigrationDirection,
  env: Record<string, string | undefined> = process.env,
): Promise<{ target: string; run: MigrationRun }> {
  const { database } = loadConfig(env);
  // Never print the password: user@host:port/database is enough to tell which server was used.
  const target = `${database.user}@${database.host}:${database.port}/${database.database}`;
  try {
    await ensureDatabase(database, { log: quietLog });
    const knex = createKnex(database, { log: quietLog });
    try {
      return { target, run: await runMigrations(knex, direction) };
    } finally {
      await knex.destroy();
    }
  } catch (err) {
    throw new Error(`migrate ${direction} on ${target} failed: ${describe(err)}`, { cause: err });
  }
}

/**
 * Knex warns with a full stack trace when it cannot connect; that error reaches us anyway and is
 * reported once, on one line. Other warnings are kept, without their stacks.
 */
const quietLog = {
  warn(message: unknown) {
    const line = String(message).split('\n')[0] ?? '';
    if (!line.startsWith('Acquire connection error')) console.error(`knex: ${line}`);
  },
};

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  // Connection errors from the driver are AggregateErrors with an empty message.
  const message = err.message || (err instanceof AggregateError ? err.errors.map(describe).join('; ') : '');
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function report({ target, run }: { target: string; run: MigrationRun }): string {
  if (run.migrations.length === 0) {
    return run.direction === 'latest'
      ? `migrate latest on ${target}: already up to date`
      : `migrate ${run.direction} on ${target}: nothing to roll back`;
  }
  const verb = run.direction === 'latest' ? `applied batch ${run.batch}` : `rolled back batch ${run.batch}`;
  return [
    `migrate ${run.direction} on ${target}: ${verb}`,
    ...run.migrations.map((name) => `  ${name}`),
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const direction = argv[0] ?? 'latest';
  if (!isDirection(direction) || argv.length > 1) {
    console.error(
      `usage: tsx scripts/migrate.ts [${DIRECTIONS.join('|')}]  (migrations in ${MIGRATIONS_DIRECTORY})`,
    );
    return 2;
  }
  try {
    console.log(report(await migrate(direction)));
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

// Only when run as a script, so tests can import migrate() without side effects.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
