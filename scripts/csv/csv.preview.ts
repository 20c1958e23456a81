import type { StockApiClient, StockLevel } from './csv.client.js';
import type { Progress } from './csv.progress.js';
import { showSku } from './csv.report.js';
import type { CsvMode, CsvRow } from './csv.rows.js';

/**
 * --dry-run: reads the current stock of every row's SKU (POST /api/v1/inventory/bulk, 1000 per
 * call) and prints what an import would change, without changing anything. The outcome mirrors
 * the bulk script's rules, but stock can move between this preview and a real import.
 */

export interface PreviewOutcome {
  changed: number;
  created: number;
  unchanged: number;
  failing: number;
}

const maxTotal = 1_000_000_000_000;

function preview(
  mode: CsvMode,
  row: CsvRow,
  level: StockLevel | undefined,
): { after: number; failure?: string } {
  const after = mode === 'total' ? row.amount : (level?.total ?? 0) + row.amount;
  if (mode === 'delta' && row.amount < 0) {
    if (!level) return { after, failure: 'SKU_NOT_FOUND' };
    if (level.available < -row.amount)
      return { after, failure: `NOT_ENOUGH_STOCK (available ${level.available})` };
  }
  if (level && after < level.reserved)
    return { after, failure: `BELOW_RESERVED (reserved ${level.reserved})` };
  if (after > maxTotal) return { after, failure: 'TOTAL_LIMIT' };
  return { after };
}

export async function previewImport(
  mode: CsvMode,
  chunks: CsvRow[][],
  client: StockApiClient,
  out: (line: string) => void,
  progress: Progress,
): Promise<PreviewOutcome> {
  const outcome: PreviewOutcome = { changed: 0, created: 0, unchanged: 0, failing: 0 };
  for (const rows of chunks) {
    const answer = await client.readMany(rows.map((r) => r.skuId));
    if (!answer.ok) throw new Error(`reading current stock: ${answer.error.code} ${answer.error.message}`);
    const levels = new Map(answer.data.items.map((level) => [level.skuId, level]));
    for (const row of rows) {
      const level = levels.get(row.skuId);
      const { after, failure } = preview(mode, row, level);
      const before = level ? String(level.total) : 'absent';
      if (failure) {
        outcome.failing += 1;
        out(`line ${row.line}: ${showSku(row.skuId)}: ${before} → ${after} would fail: ${failure}`);
      } else if (level?.total === after) outcome.unchanged += 1;
      else {
        outcome.changed += 1;
        if (!level) outcome.created += 1;
        out(`${showSku(row.skuId)}: ${before} → ${after}`);
      }
    }
    progress.advance(rows.length);
  }
  return outcome;
}
