import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { StockApiClient } from './csv.client.js';
import { type ExportRow, NARROW_HEADER, pageRows, WIDE_HEADER } from './csv.export-locations.js';
import type { Progress } from './csv.progress.js';

/**
 * `stock:export`: every SKU as `skuId,total,reserved,available,version`, page by page from
 * GET /api/v1/admin/inventory (a SCAN of the live store). Rows come in SCAN order, not sorted;
 * SCAN may hand a SKU out twice, so the ids written so far are kept to write each SKU once.
 *
 * With stock per location, a SKU that has any gets one row per location and the file three more
 * columns, `locationId,safetyStock,backorderLimit` (csv.export-locations.ts). Whether the header
 * needs them is only known once every SKU was seen, so rows are spooled to a temporary file
 * (one JSON array per line) and the CSV is written at the end: a store that never used locations
 * exports byte for byte what it did before.
 */

export interface ExportOptions {
  /** undefined: stdout. */
  file: string | undefined;
  client: StockApiClient;
  err(line: string): void;
  progress: Progress;
  pageSize?: number;
}

async function write(target: Writable, text: string): Promise<void> {
  if (!target.write(text)) await once(target, 'drain');
}

async function close(target: Writable): Promise<void> {
  target.end();
  await once(target, 'close');
}

interface Spooled {
  skus: number;
  /** SKUs written per location. */
  located: number;
  rows: number;
}

/** Lists every SKU into the spool file. */
async function spoolRows(o: ExportOptions, spool: Writable): Promise<Spooled> {
  const written = new Set<string>();
  const tally: Spooled = { skus: 0, located: 0, rows: 0 };
  let cursor: string | null = '0';
  while (cursor !== null) {
    const answer = await o.client.listPage(cursor, o.pageSize ?? 1000);
    if (!answer.ok) throw new Error(`listing SKUs: ${answer.error.code} ${answer.error.message}`);
    const fresh = answer.data.items.filter((s) => !written.has(s.skuId));
    for (const s of fresh) written.add(s.skuId);
    const { rows, located } = pageRows(fresh);
    if (rows.length > 0) await write(spool, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    tally.located += located;
    tally.rows += rows.length;
    o.progress.advance(fresh.length);
    cursor = answer.data.nextCursor;
  }
  tally.skus = written.size;
  return tally;
}

/** Writes the header and the spooled rows as CSV, cut to the header's width. */
async function writeCsv(spoolFile: string, target: Writable, wide: boolean): Promise<void> {
  const header = wide ? WIDE_HEADER : NARROW_HEADER;
  await write(target, stringify([header]));
  const lines = createInterface({ input: createReadStream(spoolFile), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: ExportRow[] = [];
  for await (const line of lines) {
    if (line === '') continue;
    batch.push((JSON.parse(line) as ExportRow).slice(0, header.length));
    if (batch.length >= 1000) {
      await write(target, stringify(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await write(target, stringify(batch));
}

export async function runExport(o: ExportOptions): Promise<number> {
  // A file is written under a temporary name and renamed once complete: a failed export never
  // leaves a file that looks whole.
  const partial = o.file === undefined ? undefined : `${o.file}.partial`;
  const dir = await mkdtemp(path.join(tmpdir(), 'stock-export-'));
  const spoolFile = path.join(dir, 'rows.jsonl');
  let target: Writable | undefined;
  let complete = false;
  let tally: Spooled = { skus: 0, located: 0, rows: 0 };
  o.progress.start(0);
  try {
    const spool = createWriteStream(spoolFile);
    try {
      tally = await spoolRows(o, spool);
    } finally {
      await close(spool);
    }
    target = partial === undefined ? process.stdout : createWriteStream(partial);
    await writeCsv(spoolFile, target, tally.located > 0);
    complete = true;
  } finally {
    o.progress.stop();
    if (partial !== undefined && o.file !== undefined) {
      if (target !== undefined) await close(target);
      if (complete) await rename(partial, o.file);
      else await rm(partial, { force: true });
    }
    await rm(dir, { recursive: true, force: true });
  }
  const located = tally.located > 0 ? `, ${tally.located} of them per location (${tally.rows} rows)` : '';
  o.err(`exported ${tally.skus} SKU(s)${located}${o.file === undefined ? '' : ` to ${o.file}`}`);
  return 0;
}
