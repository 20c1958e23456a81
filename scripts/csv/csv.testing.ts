import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken } from '../../apps/api/src/token.signer.js';
import { type AppProcess, freePort, spawnApp } from '../../test/support/processes.js';
import { testServices } from '../../test/support/services.js';

/** An API process and the CSV tool run against it, for the tool's integration tests. */

const root = fileURLToPath(new URL('../../', import.meta.url));
export const CSV_TEST_SECRET = 'stock-csv-test-secret-0123456789abcdef';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CsvApi {
  url: string;
  process: AppProcess;
  /** Runs `scripts/stock-csv.ts` as `pnpm stock:import|export` would, against this API. */
  cli(...args: string[]): Promise<CliRun>;
  /** An ADMIN bearer token for direct calls. */
  adminToken(): string;
}

/** Starts the API on a key prefix of its own (the shared Redis and MariaDB of the tests). */
export async function startCsvApi(prefix: string): Promise<CsvApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawnApp('api', {
    REDIS_URL: testServices.redisUrl,
    DATABASE_URL: testServices.databaseUrl,
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: CSV_TEST_SECRET,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    HTTP_RATE_LIMIT_MAX: '1000000',
  });
  await api.ready(60_000);
  return {
    url,
    process: api,
    cli: (...args) => runCli(url, args),
    adminToken: () =>
      signToken({ secret: CSV_TEST_SECRET, sub: 'csv-test', roles: ['ADMIN'], ttlSeconds: 3600 }),
  };
}

function runCli(url: string, args: string[]): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'scripts/stock-csv.ts', ...args, '--api', url],
    { cwd: root, env: { ...process.env, JWT_SECRET: CSV_TEST_SECRET }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

/** Writes `lines` as a file in `dir`. */
export async function writeCsv(dir: string, name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}
