import {
  intError,
  locationIdError,
  STOCK_LIMITS,
  skuIdError,
} from '../../packages/core/src/stock/stock.validation.js';
import type { Column } from './csv.header.js';

/**
 * A CSV row that names a location (docs/locations.md): it sets that location's total and, when
 * given, its safety stock and backorder limit, as PUT /api/v1/admin/inventory/{skuId}/locations/
 * {locationId} does. An empty cell keeps that figure as it is; the checks are the core's, so a row
 * that passes here is a body the route accepts.
 */

export interface LocationRow {
  /** 1-based line of the record in the file. */
  line: number;
  skuId: string;
  locationId: string;
  total?: number;
  safetyStock?: number;
  backorderLimit?: number;
}

type Figure = 'total' | 'safetyStock' | 'backorderLimit';

/** The ranges of the route's body (setLocationStockBodySchema). */
const MAX: Record<Figure, number> = {
  total: STOCK_LIMITS.maxTotal,
  safetyStock: STOCK_LIMITS.maxTotal,
  backorderLimit: STOCK_LIMITS.maxQuantity,
};

/** A figure's cell: undefined when empty, else the number or why it is not one. */
function readFigure(name: Figure, text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (!/^[0-9]+$/.test(trimmed)) {
    return { error: `${name} ${JSON.stringify(text)} is not a whole number written with digits` };
  }
  const value = Number(trimmed);
  const error = intError(value, name, 0, MAX[name]);
  return error ? { error: `${name} ${error.reason}` } : { value };
}

/** Checks one location row; `cell` reads a column of the record ('' for a column the file lacks). */
export function checkLocationRow(
  line: number,
  skuId: string,
  locationId: string,
  cell: (column: Column) => string,
): { row: LocationRow | null; errors: string[] } {
  const errors: string[] = [];
  const skuError = skuIdError(skuId, 'skuId');
  if (skuError) errors.push(`skuId ${skuError.reason}`);
  const locError = locationIdError(locationId, 'locationId');
  if (locError) errors.push(`locationId ${JSON.stringify(locationId)} ${locError.reason}`);
  const row: LocationRow = { line, skuId, locationId };
  const figures = ['total', 'safetyStock', 'backorderLimit'] as const;
  for (const name of figures) {
    const { value, error } = readFigure(name, cell(name));
    if (error) errors.push(error);
    if (value !== undefined) row[name] = value;
  }
  if (figures.every((name) => cell(name).trim() === '')) {
    errors.push('give at least one of total, safetyStock, backorderLimit');
  }
  return errors.length > 0 ? { row: null, errors } : { row, errors };
}
