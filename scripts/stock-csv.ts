// Stock as CSV, through the HTTP API (so the same rules, journal, events and idempotency apply):
//
//   pnpm stock:import <file.csv> [--dry-run] [--allow-partial] [--reason R] [--api URL] [--token T]
//   pnpm stock:export [file.csv] [--api URL] [--token T]
//
// The header decides the import: `skuId,total` sets absolute totals, `skuId,delta` adds (> 0) or
// takes out (< 0). Every row is checked first; malformed rows are reported with their line
// numbers and nothing is applied (unless --allow-partial). Rows go in chunks of 1000, each all or
// nothing, keyed by the file's SHA-256 and the chunk index: re-running a file changes nothing.
// --dry-run prints `skuId: before → after` for each change and applies nothing.
//
// Stock per location (docs/locations.md): a `total` file may add the columns `locationId`,
// `safetyStock` and `backorderLimit` (any order after skuId). A row with a locationId sets that
// location (PUT /api/v1/admin/inventory/{skuId}/locations/{locationId}; an empty cell keeps that
// figure), one call per row keyed by the file's SHA-256 and the line; a row without one is a SKU
// row as above. A SKU is listed either without a location or per location, not both. The API has
// no bulk form per location, so such rows cost one request each (mind HTTP_RATE_LIMIT_MAX).
// The export writes today's five columns until some SKU has stock away from `default` or a
// setting; then the file gains `locationId,safetyStock,backorderLimit` and such a SKU one row per
// location (the listing pages carry each SKU's locations: `GET /api/v1/admin/inventory?locations=true`).
//
// --api defaults to http://127.0.0.1:8083; --token to an ADMIN token signed with JWT_SECRET (or
// the local .data/jwt-secret that `pnpm start` creates). Progress goes to stderr on a terminal.
//
// Exit codes: 0 every row applied (dry run: would apply), 1 some row was not (malformed, skipped
// or rejected), 2 usage error or the tool could not run (file, API, token).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tokenSecret } from '../apps/api/src/token.js';
import { signToken } from '../apps/api/src/token.signer.js';
import { createStockApiClient } from './csv/csv.client.js';
import { runExport } from './csv/csv.export.js';
import { EXIT, runImport } from './csv/csv.import.js';
import { createProgress } from './csv/csv.progress.js';

const USAGE = [
  'usage: pnpm stock:import <file.csv> [--dry-run] [--allow-partial] [--reason R] [--api URL] [--token T]',
  '       pnpm stock:export [file.csv] [--api URL] [--token T]',
].join('\n');

const err = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);

function resolveToken(given: string | undefined): string {
  if (given) return given;
  const secret = tokenSecret();
  if (secret === undefined) {
    throw new Error(
      'no --token, no JWT_SECRET and no .data/jwt-secret (run `pnpm start` once, or pass --token)',
    );
  }
  return signToken({ secret, sub: 'stock-csv', roles: ['ADMIN'], ttlSeconds: 12 * 3600 });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'allow-partial': { type: 'boolean', default: false },
      reason: { type: 'string', default: 'CSV_IMPORT' },
      api: { type: 'string', default: 'http://127.0.0.1:8083' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, file, ...extra] = positionals;
  if (values.help) {
    out(USAGE);
    return EXIT.ok;
  }
  const importing = command === 'import' && file !== undefined;
  if (!(importing || command === 'export') || extra.length > 0) {
    err(USAGE);
    return EXIT.failed;
  }
  const client = createStockApiClient({ baseUrl: values.api, token: resolveToken(values.token) });
  if (command === 'export') {
    return runExport({ file, client, err, progress: createProgress('export | {value} SKUs') });
  }
  return runImport({
    file: file as string,
    dryRun: values['dry-run'],
    allowPartial: values['allow-partial'],
    reason: values.reason,
    client,
    out,
    err,
    progress: createProgress('import |{bar}| {value}/{total} rows | {eta_formatted} left'),
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    err(`stock-csv: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  });
}
