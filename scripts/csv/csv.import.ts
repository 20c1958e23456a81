import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { STOCK_LIMITS } from '../../packages/core/src/stock/stock.validation.js';
import type { BulkItem, StockApiClient } from './csv.client.js';
import { previewLocationRows } from './csv.location-preview.js';
import { applyLocationRows } from './csv.locations.js';
import { previewImport } from './csv.preview.js';
import type { Progress } from './csv.progress.js';
import { chunked, describeRejection } from './csv.report.js';
import { type CsvMode, type CsvRow, parseStockCsv } from './csv.rows.js';

/**
 * `stock:import`: validate every row, then apply the file in chunks of 1000 rows through the bulk
 * endpoint. Each chunk is all or nothing on the server, and its Idempotency-Key is the file's
 * SHA-256 plus the chunk's index, so running the same file again replays every chunk that landed
 * and changes nothing (a rejected chunk replays its rejection for the key's TTL, 24 h by default:
 * fix the file, and the new content gets new keys). Rows that name a location (csv.header.ts) go
 * after the SKU rows, one call each (csv.locations.ts), keyed the same way by their line.
 */

export interface ImportOptions {
  file: string;
  dryRun: boolean;
  allowPartial: boolean;
  reason: string;
  client: StockApiClient;
  /** stdout: the dry run's changes. */
  out(line: string): void;
  /** stderr: problems and the summary. */
  err(line: string): void;
  progress: Progress;
}

/** Exit codes: 0 every row applied (or would be), 1 some row was not, 2 the tool could not run. */
export const EXIT = { ok: 0, notApplied: 1, failed: 2 } as const;

export const CHUNK_ROWS = STOCK_LIMITS.maxBulkItems;

const toItem = (mode: CsvMode, row: CsvRow): BulkItem =>
  mode === 'total' ? { skuId: row.skuId, total: row.amount } : { skuId: row.skuId, delta: row.amount };

async function apply(o: ImportOptions, mode: CsvMode, chunks: CsvRow[][], fileHash: string) {
  const tally = { applied: 0, replayed: 0, rejectedRows: 0, rejectedChunks: 0 };
  for (const [index, rows] of chunks.entries()) {
    const answer = await o.client.bulkAdjust(
      rows.map((row) => toItem(mode, row)),
      `${fileHash}-${index}`,
      o.reason,
    );
    o.progress.advance(rows.length);
    if (answer.ok) {
      tally.applied += rows.length;
      if (answer.replayed) tally.replayed += rows.length;
      continue;
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new Error(`the API refused the token: ${answer.error.code} ${answer.error.message}`);
    }
    tally.rejectedRows += rows.length;
    tally.rejectedChunks += 1;
    const first = rows[0]?.line;
    const last = rows.at(-1)?.line;
    o.err(
      `chunk ${index + 1} (lines ${first}..${last}) rejected, none of its rows applied: ${answer.error.message}`,
    );
    for (const line of describeRejection(answer.error, rows)) o.err(`  ${line}`);
  }
  return tally;
}

export async function runImport(o: ImportOptions): Promise<number> {
  const content = await readFile(o.file);
  const parsed = parseStockCsv(content);
  for (const p of parsed.problems) o.err(p.line > 0 ? `line ${p.line}: ${p.message}` : p.message);
  if (parsed.fatal || parsed.mode === null) {
    o.err('nothing applied');
    return EXIT.notApplied;
  }
  const skipped = parsed.problems.length;
  if (skipped > 0 && !o.allowPartial) {
    o.err(`${skipped} malformed row(s); nothing applied (--allow-partial applies the valid rows)`);
    return EXIT.notApplied;
  }
  if (skipped > 0) o.err(`${skipped} malformed row(s) skipped (--allow-partial)`);
  const chunks = chunked(parsed.rows, CHUNK_ROWS);
  const locationRows = parsed.locationRows ?? [];
  // A file of location rows only has no SKU chunks to report on.
  const skuSummary = parsed.rows.length > 0 || locationRows.length === 0;
  o.progress.start(parsed.rows.length + locationRows.length);
  try {
    if (o.dryRun) {
      const p = await previewImport(parsed.mode, chunks, o.client, o.out, o.progress);
      const l = await previewLocationRows(locationRows, o.client, o.out, o.progress);
      o.progress.stop();
      if (skuSummary) {
        o.err(
          `dry run: ${parsed.rows.length} row(s): ${p.changed} change(s) (${p.created} new SKU(s)), ` +
            `${p.unchanged} unchanged, ${p.failing} would fail; nothing was applied`,
        );
      }
      if (locationRows.length > 0) {
        o.err(
          `dry run: ${locationRows.length} location row(s): ${l.changed} change(s) (${l.created} new SKU(s)), ` +
            `${l.unchanged} unchanged, ${l.failing} would fail; nothing was applied`,
        );
      }
      return p.failing + l.failing > 0 || skipped > 0 ? EXIT.notApplied : EXIT.ok;
    }
    const fileHash = createHash('sha256').update(content).digest('hex');
    const t = await apply(o, parsed.mode, chunks, fileHash);
    const l = await applyLocationRows({ ...o, fileHash }, locationRows);
    o.progress.stop();
    if (skuSummary) {
      const replays = t.replayed > 0 ? ` (${t.replayed} already applied by an earlier run: unchanged)` : '';
      o.err(
        `applied ${t.applied} of ${parsed.rows.length} row(s) in ${chunks.length - t.rejectedChunks} chunk(s)${replays}; ` +
          `${t.rejectedRows} row(s) in ${t.rejectedChunks} rejected chunk(s)`,
      );
    }
    if (locationRows.length > 0) {
      const replays = l.replayed > 0 ? ` (${l.replayed} already applied by an earlier run: unchanged)` : '';
      o.err(
        `applied ${l.applied} of ${locationRows.length} location row(s)${replays}; ${l.rejected} row(s) rejected`,
      );
    }
    return t.rejectedRows + l.rejected > 0 || skipped > 0 ? EXIT.notApplied : EXIT.ok;
  } finally {
    o.progress.stop();
  }
}
