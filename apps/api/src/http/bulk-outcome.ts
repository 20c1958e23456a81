import { type BulkOutcome, type FailedItem, type InputRejected, StockCode } from '@inventory/core';
import type { BulkAdjustBody } from '../schemas/bulk.schema.js';
import type { StockLevel } from '../schemas/inventory.schema.js';
import { ApiError, ErrorCode, validationError } from './api-error.js';
import { asFirstAnswer, keyReusedError, rejectedError, toStockLevel } from './stock-outcome.js';

/**
 * Bulk adjustment outcome → HTTP. Like the single admin writes, everything comes from the journal
 * entry (the first call's on a replay), so a retry answers with the same status and body.
 */

export interface BulkSuccess {
  data: { items: StockLevel[] };
  at: number;
  replayed: boolean;
}

/** Wire names of an item's failure; short stock is NOT_ENOUGH_STOCK as in `stock.reservation.failed`. */
const reasonByCode: Partial<Record<StockCode, string>> = {
  [StockCode.SKU_NOT_FOUND]: 'SKU_NOT_FOUND',
  [StockCode.INSUFFICIENT_STOCK]: 'NOT_ENOUGH_STOCK',
  [StockCode.BELOW_RESERVED]: 'BELOW_RESERVED',
  [StockCode.TOTAL_LIMIT]: 'TOTAL_LIMIT',
};

function failedItemView(f: FailedItem) {
  return {
    skuId: f.skuId,
    reason: (f.code !== undefined && reasonByCode[f.code]) || 'UNKNOWN',
    total: f.total ?? null,
    reserved: f.reserved ?? null,
    available: f.available,
  };
}

function failure(reason: string, failedItems: FailedItem[], body: BulkAdjustBody): ApiError {
  const details = { failedItems: failedItems.map(failedItemView) };
  const n = failedItems.length;
  switch (reason) {
    case 'SKU_NOT_FOUND':
      return new ApiError(404, ErrorCode.SKU_NOT_FOUND, 'Stock out of an unknown SKU; nothing was changed', {
        details,
      });
    case 'INSUFFICIENT_STOCK':
    case 'BELOW_RESERVED':
      return new ApiError(409, ErrorCode.NOT_ENOUGH_STOCK, `${n} item(s) do not fit; nothing was changed`, {
        details,
      });
    case 'TOTAL_LIMIT': {
      // Only the total cap failed: a quantity error, named by the item's position in the request.
      const position = new Map(body.items.map((item, i) => [item.skuId, i]));
      const fieldErrors = failedItems.map((f) => {
        const i = position.get(f.skuId);
        const field = body.items[i ?? -1]?.total === undefined ? 'delta' : 'total';
        return {
          field: `items[${i ?? '?'}].${field}`,
          value: f.requested,
          reason: 'the total would exceed 10^12',
        };
      });
      const error = validationError(fieldErrors, 'Invalid quantity: the total would exceed 10^12');
      return new ApiError(error.statusCode, error.code, error.message, { ...error.extras, details });
    }
    default:
      return new ApiError(500, ErrorCode.INTERNAL, `unexpected bulk outcome ${reason}`);
  }
}

/** The success to send, or the ApiError to throw (stamped with the first call's time). */
export function mapBulkOutcome(body: BulkAdjustBody, outcome: BulkOutcome): BulkSuccess {
  if (outcome.entry === null) throw rejectedError(outcome as InputRejected);
  const { entry } = outcome;
  if (!outcome.ok) {
    const error =
      outcome.reason === 'IDEMPOTENCY_KEY_REUSED'
        ? keyReusedError(entry)
        : failure(outcome.reason, entry.failedItems, body);
    throw asFirstAnswer(error, entry, outcome.replayed);
  }
  return {
    data: { items: entry.skus.map((sku) => toStockLevel(sku, entry.at)) },
    at: entry.at,
    replayed: outcome.replayed,
  };
}
