import { parse } from 'csv-parse/sync';
import { bulkItemErrors } from '../../packages/core/src/stock/stock.validation.js';

/**
 * Reads a stock CSV (`skuId,total` or `skuId,delta` header, then one SKU per row) and checks every
 * row with the core's own bulk-item rule, so a file that passes here is one the API accepts.
 * Problems carry the file's line number; nothing is sent while any row is malformed, unless the
 * caller chooses to skip those rows.
 */

export type CsvMode = 'total' | 'delta';

export interface CsvRow {
  /** 1-based line of the record in the file (its last line for a quoted multi-line field). */
  line: number;
  skuId: string;
  amount: number;
}

export interface RowProblem {
  /** 0 when the problem is the file itself (no header, unreadable CSV). */
  line: number;
  message: string;
}

export interface ParsedCsv {
  mode: CsvMode | null;
  rows: CsvRow[];
  problems: RowProblem[];
  /** The file cannot be read as a whole (bad header, broken quoting): no row can be trusted. */
  fatal: boolean;
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

const digitsOnly: Record<CsvMode, RegExp> = { total: /^[0-9]+$/, delta: /^[+-]?[0-9]+$/ };

function readRecords(content: Buffer | string): ParsedRecord[] | RowProblem {
  try {
    return parse(content, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { line: e.lines ?? 0, message: `unreadable CSV: ${e.message}` };
  }
}

function headerMode(record: string[] | undefined): CsvMode | null {
  const [first, second, ...rest] = (record ?? []).map((cell) => cell.trim().toLowerCase());
  if (first !== 'skuid' || rest.length > 0) return null;
  return second === 'total' || second === 'delta' ? second : null;
}

/** The reasons the core gives, without its `row.` field prefix: "total must be an integer 0..". */
function checkRow(mode: CsvMode, skuId: string, text: string): string[] {
  const trimmed = text.trim();
  if (!digitsOnly[mode].test(trimmed)) {
    return [`${mode} ${JSON.stringify(text)} is not a whole number written with digits`];
  }
  const item = { skuId, [mode]: Number(trimmed) };
  return bulkItemErrors(item, 'row').map((e) => `${e.field.replace(/^row\.?/, '') || 'row'} ${e.reason}`);
}

export function parseStockCsv(content: Buffer | string): ParsedCsv {
  const records = readRecords(content);
  if (!Array.isArray(records)) return { mode: null, rows: [], problems: [records], fatal: true };
  const [header, ...body] = records;
  const mode = headerMode(header?.record);
  if (mode === null) {
    const message = 'the first row must be the header skuId,total or skuId,delta';
    return { mode, rows: [], problems: [{ line: header?.info.lines ?? 0, message }], fatal: true };
  }
  const rows: CsvRow[] = [];
  const problems: RowProblem[] = [];
  const firstLine = new Map<string, number>();
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== 2) {
      problems.push({ line, message: `expected 2 columns (skuId,${mode}), got ${record.length}` });
      continue;
    }
    const [skuId = '', text = ''] = record;
    const errors = checkRow(mode, skuId, text);
    const seen = firstLine.get(skuId);
    if (seen !== undefined) errors.push(`duplicate skuId ${JSON.stringify(skuId)} (first on line ${seen})`);
    else firstLine.set(skuId, line);
    if (errors.length > 0) problems.push({ line, message: errors.join('; ') });
    else rows.push({ line, skuId, amount: Number(text.trim()) });
  }
  return { mode, rows, problems, fatal: false };
}
