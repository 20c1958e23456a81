import { InventoryError } from '../errors/inventory.error.js';

/**
 * Errors the stock core throws (expected outcomes are returned as unions, never thrown).
 * Each has a stable `code` and says whether a consumer should retry.
 */

/** A caller bug: a bad context field (causationId, actor, eventId, reason). Not user input. */
export class StockInputError extends InventoryError {
  constructor(message: string) {
    super(message, { code: 'INV_STOCK_INPUT', retryable: false });
  }
}

/** A journal entry or stored outcome that does not have the shape of docs/stock-model.md. */
export class StockJournalParseError extends InventoryError {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message, { code: 'INV_STOCK_JOURNAL_PARSE', retryable: false });
  }
}

/** confirm/release/expire kept finding the reservation record changed under it (STALE_KEYS). */
export class StockStaleKeysError extends InventoryError {
  constructor(orderId: string, attempts: number) {
    super(`reservation of order ${orderId} changed during ${attempts} attempts`, {
      code: 'INV_STOCK_STALE_KEYS',
      retryable: true,
    });
  }
}

/** Redis may evict keys (or its policy could not be read): the stock store refuses to run on it. */
export class RedisEvictionPolicyError extends InventoryError {
  constructor(
    readonly settings: { maxmemoryPolicy: string | null; appendonly: boolean | null; source: string },
    reasons: string[],
  ) {
    super(`refusing to run the stock store on this Redis: ${reasons.join('; ')}`, {
      code: 'INV_REDIS_EVICTION_POLICY',
      retryable: false,
    });
  }
}

/**
 * A script found no restored-data marker: Redis lost its data and is being rebuilt from MariaDB.
 * Nothing was written; retry once the relay has restored it (the API answers 503, a consumer does
 * not commit and takes the chunk again).
 */
export class StockRestoringError extends InventoryError {
  constructor() {
    super('Redis is being restored from MariaDB; stock commands wait until it is done', {
      code: 'INV_RESTORING',
      retryable: true,
    });
  }
}

/** The script's RESTORING error reply (Redis may prefix it with ERR) as a StockRestoringError. */
export function toStockError(error: Error): Error {
  return /^(ERR )?RESTORING\b/.test(error.message) ? new StockRestoringError() : error;
}
