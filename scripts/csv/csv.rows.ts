import { parse } from 'csv-parse/sync';
import { bulkItemErrors } from '../../packages/core/src/stock/stock.validation.js';
import { type Column, type CsvHeader, type CsvMode, readHeader } from './csv.header.js';
import { checkLocationRow, type LocationRow } from './csv.location-rows.js';

/**
 * Reads a stock CSV (`skuId,total` or `skuId,delta` header, then one SKU per row; see
 * csv.header.ts for the location columns) and checks every row with the core's own rules, so a
 * file that passes here is one the API accepts. Problems carry the file's line number; nothing is
 * sent while any row is malformed, unless the caller chooses to skip those rows.
 */

export type { CsvMode } from './csv.header.js';
export type { LocationRow } from './csv.location-rows.js';

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
  /** SKU rows (no location): the bulk adjustment, as before locations existed. */
  rows: CsvRow[];
  /** Rows naming a location; only with a locationId column. */
  locationRows?: LocationRow[];
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

/** The reasons the core gives, without its `row.` field prefix: "total must be an integer 0..". */
function checkRow(mode: CsvMode, skuId: string, text: string): string[] {
  const trimmed = text.trim();
  if (!digitsOnly[mode].test(trimmed)) {
    return [`${mode} ${JSON.stringify(text)} is not a whole number written with digits`];
  }
  const item = { skuId, [mode]: Number(trimmed) };
  return bulkItemErrors(item, 'row').map((e) => `${e.field.replace(/^row\.?/, '') || 'row'} ${e.reason}`);
}

/**
 * Where each SKU was first seen: a SKU is listed once without a location, or once per location,
 * never both (a SKU total and a location's total in one file would depend on the order applied).
 */
class Seen {
  private readonly skuRows = new Map<string, number>();
  private readonly locationRows = new Map<string, number>();
  private readonly pairs = new Map<string, number>();

  /** The problem with listing this row, if any; records it otherwise. */
  check(line: number, skuId: string, locationId: string | undefined): string | null {
    const name = JSON.stringify(skuId);
    if (locationId === undefined) {
      const seen = this.skuRows.get(skuId);
      if (seen !== undefined) return `duplicate skuId ${name} (first on line ${seen})`;
      const at = this.locationRows.get(skuId);
      if (at !== undefined)
        return `skuId ${name} has rows with a locationId (line ${at}): give either those or one without`;
      this.skuRows.set(skuId, line);
      return null;
    }
    const pair = `${skuId}\u0000${locationId}`;
    const seen = this.pairs.get(pair);
    if (seen !== undefined) {
      return `duplicate skuId ${name} at location ${JSON.stringify(locationId)} (first on line ${seen})`;
    }
    const at = this.skuRows.get(skuId);
    if (at !== undefined)
      return `skuId ${name} has a row without locationId (line ${at}): give either that or rows with one`;
    this.pairs.set(pair, line);
    if (!this.locationRows.has(skuId)) this.locationRows.set(skuId, line);
    return null;
  }
}

const columnList = (header: CsvHeader) => header.columns.join(',');

export function parseStockCsv(content: Buffer | string): ParsedCsv {
  const records = readRecords(content);
  if (!Array.isArray(records)) return { mode: null, rows: [], problems: [records], fatal: true };
  const [first, ...body] = records;
  const header = readHeader(first?.record);
  if (typeof header === 'string') {
    return {
      mode: null,
      rows: [],
      problems: [{ line: first?.info.lines ?? 0, message: header }],
      fatal: true,
    };
  }
  const { mode } = header;
  const rows: CsvRow[] = [];
  const locationRows: LocationRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Seen();
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== header.columns.length) {
      const expected = `expected ${header.columns.length} columns (${columnList(header)})`;
      problems.push({ line, message: `${expected}, got ${record.length}` });
      continue;
    }
    const cell = (column: Column) => record[header.columns.indexOf(column)] ?? '';
    const skuId = cell('skuId');
    const locationId = header.locations ? cell('locationId').trim() || undefined : undefined;
    let errors: string[];
    let located: LocationRow | null = null;
    if (locationId === undefined) {
      errors = checkRow(mode, skuId, cell(mode));
      for (const setting of ['safetyStock', 'backorderLimit'] as const) {
        if (header.columns.includes(setting) && cell(setting).trim() !== '') {
          errors.push(`${setting} needs a locationId: it is set per location`);
        }
      }
    } else {
      const checked = checkLocationRow(line, skuId, locationId, cell);
      errors = checked.errors;
      located = checked.row;
    }
    const repeated = seen.check(line, skuId, locationId);
    if (repeated !== null) errors.push(repeated);
    if (errors.length > 0) problems.push({ line, message: errors.join('; ') });
    else if (located !== null) locationRows.push(located);
    else rows.push({ line, skuId, amount: Number(cell(mode).trim()) });
  }
  return { mode, rows, ...(header.locations ? { locationRows } : {}), problems, fatal: false };
}
