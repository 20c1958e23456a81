/**
 * The header of a stock CSV. Today's two forms keep their meaning: `skuId,total` sets absolute
 * totals, `skuId,delta` adds or takes out. With stock per location (docs/locations.md) a `total`
 * file may add a `locationId` column, and then `safetyStock` and `backorderLimit`: a row that names
 * a location sets that location's figures, a row that leaves it empty is a SKU row as before.
 * Column names are matched without case or surrounding spaces, in any order after `skuId`.
 */

export type CsvMode = 'total' | 'delta';

export type Column = 'skuId' | 'total' | 'delta' | 'locationId' | 'safetyStock' | 'backorderLimit';

export interface CsvHeader {
  mode: CsvMode;
  /** The columns in file order, spelled canonically. */
  columns: Column[];
  /** The file names a location per row (the columns after today's two). */
  locations: boolean;
}

const KNOWN: Record<string, Column> = {
  skuid: 'skuId',
  total: 'total',
  delta: 'delta',
  locationid: 'locationId',
  safetystock: 'safetyStock',
  backorderlimit: 'backorderLimit',
};

export const HEADER_REQUIRED = 'the first row must be the header skuId,total or skuId,delta';

/** The header, or why the file cannot be read with it. */
export function readHeader(record: readonly string[] | undefined): CsvHeader | string {
  const names = (record ?? []).map((cell) => cell.trim().toLowerCase());
  if (names[0] !== 'skuid') return HEADER_REQUIRED;
  const columns: Column[] = [];
  for (const [i, name] of names.entries()) {
    const column = KNOWN[name];
    if (column === undefined) {
      return `${HEADER_REQUIRED}; column ${i + 1} ${JSON.stringify(record?.[i])} is none of total, delta, locationId, safetyStock, backorderLimit`;
    }
    if (columns.includes(column)) return `${HEADER_REQUIRED}; the column ${column} is named twice`;
    columns.push(column);
  }
  const has = (c: Column) => columns.includes(c);
  if (has('total') === has('delta')) return HEADER_REQUIRED;
  const mode: CsvMode = has('total') ? 'total' : 'delta';
  const locations = has('locationId');
  if (mode === 'delta' && (locations || has('safetyStock') || has('backorderLimit'))) {
    // The API sets a location's figures (PUT …/locations/{locationId}); it has no per-location delta.
    return 'locationId, safetyStock and backorderLimit go with a total column: a location is set, not adjusted';
  }
  if (!locations && (has('safetyStock') || has('backorderLimit'))) {
    return 'safetyStock and backorderLimit need a locationId column: they are set per location';
  }
  return { mode, columns, locations };
}
