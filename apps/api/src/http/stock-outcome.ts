import type {
  AddOutcome,
  DecreaseOutcome,
  InputRejected,
  JournalEntry,
  JournalSku,
  SetOutcome,
  TransferOutcome,
} from '@inventory/core';
import { availableOf } from '@inventory/core';
import type { StockLevel } from '../schemas/inventory.schema.js';
import { ApiError, ErrorCode, validationError } from './api-error.js';

/**
 * Admin write outcomes (set, add, decrease) → HTTP. A replayed outcome carries the first call's
 * journal entry, and everything here is derived from that entry (state, clock), so a retry with the
 * same Idempotency-Key answers with the same status and the same body as the first call.
 */

type AdminOutcome = SetOutcome | AddOutcome | DecreaseOutcome | TransferOutcome;

export interface AdminRequest {
  action: 'set' | 'add' | 'decrease' | 'transfer';
  skuId: string;
  /** The total (set) or the quantity (add, decrease). */
  amount: number;
  expectedVersion?: number;
}

export interface AdminSuccess {
  status: 200 | 201;
  data: StockLevel;
  at: number;
  replayed: boolean;
  /** The first call's SKU record (its per-location changes, when it has them). */
  sku: JournalSku;
}

export const REPLAY_HEADER = 'idempotent-replayed';

export function toStockLevel(sku: JournalSku, at: number): StockLevel {
  return {
    skuId: sku.skuId,
    total: sku.total,
    reserved: sku.reserved,
    available: availableOf(sku),
    version: sku.version,
    updatedAt: new Date(at).toISOString(),
  };
}

/** The metric label of an outcome; defined in the core, where the worker takes it too. */
export { stockOutcomeLabel as outcomeLabel } from '@inventory/core';

export function rejectedError(outcome: InputRejected): ApiError {
  return validationError(outcome.errors.map((e) => ({ field: e.field, value: e.value, reason: e.reason })));
}

/** 422: the key's first use was another action, SKU or (bulk) set of items; nothing changed. */
export function keyReusedError(entry: JournalEntry): ApiError {
  return new ApiError(
    422,
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    'This Idempotency-Key was already used for another request',
    { details: { firstAction: entry.action, firstSkuId: entry.skuId ?? null } },
  );
}

function failure(request: AdminRequest, reason: string, entry: JournalEntry): ApiError {
  const sku = entry.skus[0];
  const skuId = request.skuId;
  switch (reason) {
    case 'VERSION_CONFLICT':
      if (request.expectedVersion === 0) {
        return new ApiError(409, ErrorCode.SKU_EXISTS, `SKU ${skuId} already exists`, {
          details: { skuId, currentVersion: sku?.version ?? null },
        });
      }
      return new ApiError(
        409,
        ErrorCode.VERSION_CONFLICT,
        `SKU ${skuId} is not at version ${request.expectedVersion}`,
        {
          details: {
            skuId,
            expectedVersion: request.expectedVersion ?? null,
            currentVersion: sku?.version ?? 0,
          },
        },
      );
    case 'BELOW_RESERVED':
      return new ApiError(
        409,
        ErrorCode.NOT_ENOUGH_STOCK,
        `Total ${request.amount} is below the reserved quantity`,
        {
          details: {
            skuId,
            reason: 'BELOW_RESERVED',
            requestedTotal: request.amount,
            reserved: sku?.reserved ?? null,
          },
        },
      );
    case 'INSUFFICIENT_STOCK':
      return new ApiError(409, ErrorCode.NOT_ENOUGH_STOCK, `Not enough stock of SKU ${skuId}`, {
        details: { skuId, requested: request.amount, available: sku ? availableOf(sku) : null },
      });
    case 'SKU_NOT_FOUND':
      return new ApiError(404, ErrorCode.SKU_NOT_FOUND, `SKU ${skuId} not found`, { details: { skuId } });
    case 'TOTAL_LIMIT':
      return validationError(
        [
          {
            field: request.action === 'set' ? 'total' : 'quantity',
            value: request.amount,
            reason: 'the total would exceed 10^12',
          },
        ],
        'Invalid quantity: the total would exceed 10^12',
      );
    case 'IDEMPOTENCY_KEY_REUSED':
      return keyReusedError(entry);
    case 'LOCATION_NOT_FOUND': {
      const locationId = entry.toLocationId ?? entry.locationId ?? null;
      return new ApiError(
        404,
        ErrorCode.LOCATION_NOT_FOUND,
        `Location ${locationId} is unknown or inactive`,
        {
          details: { skuId, locationId },
        },
      );
    }
    default:
      return new ApiError(500, ErrorCode.INTERNAL, `unexpected ${request.action} outcome ${reason}`);
  }
}

/** A failure stamped with the first call's clock, and marked as a replay when it is one. */
export function asFirstAnswer(error: ApiError, entry: JournalEntry, replayed: boolean): ApiError {
  const headers = replayed ? { [REPLAY_HEADER]: 'true' } : undefined;
  return new ApiError(error.statusCode, error.code, error.message, {
    ...error.extras,
    at: entry.at,
    headers,
  });
}

/** The success to send, or the ApiError to throw (stamped with the first call's time). */
export function mapAdminOutcome(request: AdminRequest, outcome: AdminOutcome): AdminSuccess {
  if (outcome.entry === null) throw rejectedError(outcome as InputRejected);
  const { entry } = outcome;
  if (!outcome.ok) throw asFirstAnswer(failure(request, outcome.reason, entry), entry, outcome.replayed);
  const sku = entry.skus[0];
  if (!sku) throw new ApiError(500, ErrorCode.INTERNAL, `${request.action} outcome without SKU state`);
  // A set that created the SKU leaves it at version 1 (an existing SKU was at 1 or more before).
  const created = request.action === 'set' && sku.version === 1;
  return {
    status: created ? 201 : 200,
    data: toStockLevel(sku, entry.at),
    at: entry.at,
    replayed: outcome.replayed,
    sku,
  };
}
