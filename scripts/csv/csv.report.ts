import type { ApiErrorBody, FailedItem } from './csv.client.js';
import type { CsvRow } from './csv.rows.js';

/** How the CSV tool names SKUs and business rejections in its output (by line number). */

/** A skuId as printed: bare when it reads unambiguously, JSON-quoted otherwise. */
export function showSku(skuId: string): string {
  return /^[^\s",:]+$/.test(skuId) ? skuId : JSON.stringify(skuId);
}

/** A (SKU, location) pair as printed: `A @ berlin`. */
export function showLocation(skuId: string, locationId: string): string {
  return `${showSku(skuId)} @ ${locationId}`;
}

/**
 * Why the API refused one location row (PUT …/locations/{locationId}), on one line: the business
 * reason when the answer names one (LOCATION_NOT_FOUND, BELOW_RESERVED…), the field errors of a 400.
 */
export function describeLocationRejection(
  error: ApiErrorBody,
  row: { line: number; skuId: string; locationId: string },
): string {
  const details = (error.details ?? {}) as { reason?: unknown };
  const fields = (error.fieldErrors ?? []).map((e) => `${e.field} ${e.reason}`);
  const label =
    error.code === 'INVENTORY-404-004'
      ? 'LOCATION_NOT_FOUND'
      : typeof details.reason === 'string'
        ? details.reason
        : error.code;
  const why = fields.length > 0 ? fields.join('; ') : error.message;
  return `line ${row.line}: ${showLocation(row.skuId, row.locationId)}: ${label}: ${why}`;
}

const counters = (f: FailedItem) =>
  f.total === null ? 'unknown SKU' : `total ${f.total}, reserved ${f.reserved}, available ${f.available}`;

/** One line per failing item of a rejected chunk, each with the line it came from. */
export function describeRejection(error: ApiErrorBody, rows: CsvRow[]): string[] {
  const lineOf = new Map(rows.map((r) => [r.skuId, r.line]));
  // The bulk route's 404/409 list every failing item (the document types details loosely).
  const failed = error.details?.failedItems as FailedItem[] | undefined;
  if (failed && failed.length > 0) {
    return failed.map(
      (f) => `line ${lineOf.get(f.skuId) ?? '?'}: ${showSku(f.skuId)}: ${f.reason} (${counters(f)})`,
    );
  }
  // Field errors name items by position in the chunk: items[3].delta is the chunk's fourth row.
  const fields = error.fieldErrors ?? [];
  const lines = fields.map((e) => {
    const position = /^items\[(\d+)\]/.exec(e.field);
    const row = position ? rows[Number(position[1])] : undefined;
    return `${row ? `line ${row.line}` : e.field}: ${e.field} ${e.reason}`;
  });
  return lines.length > 0 ? lines : [`${error.code}: ${error.message}`];
}

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
