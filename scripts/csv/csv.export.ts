import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { StockApiClient } from './csv.client.js';
import type { Progress } from './csv.progress.js';

/**
 * `stock:export`: every SKU as `skuId,total,reserved,available,version`, page by page from
 * GET /api/v1/admin/inventory (a SCAN of the live store). Rows come in SCAN order, not sorted;
 * SCAN may hand a SKU out twice, so the ids written so far are kept to write each SKU once.
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

export async function runExport(o: ExportOptions): Promise<number> {
  // A file is written under a temporary name and renamed once complete: a failed export never
  // leaves a file that looks whole.
  const partial = o.file === undefined ? undefined : `${o.file}.partial`;
  const target: Writable = partial === undefined ? process.stdout : createWriteStream(partial);
  let complete = false;
  const written = new Set<string>();
  o.progress.start(0);
  try {
    await write(target, stringify([['skuId', 'total', 'reserved', 'available', 'version']]));
    let cursor: string | null = '0';
    while (cursor !== null) {
      const answer = await o.client.listPage(cursor, o.pageSize ?? 1000);
      if (!answer.ok) throw new Error(`listing SKUs: ${answer.error.code} ${answer.error.message}`);
      const fresh = answer.data.items.filter((s) => !written.has(s.skuId));
      for (const s of fresh) written.add(s.skuId);
      const rows = fresh.map((s) => [s.skuId, s.total, s.reserved, s.available, s.version]);
      if (rows.length > 0) await write(target, stringify(rows));
      o.progress.advance(rows.length);
      cursor = answer.data.nextCursor;
    }
    complete = true;
  } finally {
    o.progress.stop();
    if (partial !== undefined && o.file !== undefined) {
      target.end();
      await once(target, 'close');
      if (complete) await rename(partial, o.file);
      else await rm(partial, { force: true });
    }
  }
  o.err(`exported ${written.size} SKU(s)${o.file === undefined ? '' : ` to ${o.file}`}`);
  return 0;
}
