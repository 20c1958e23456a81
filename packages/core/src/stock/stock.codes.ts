/**
 * The numeric outcomes the Lua scripts return, mapped to names in this one place
 * (docs/stock-model.md, "Commands").
 */
export enum StockCode {
  OK = 1,
  /** The command already ran for this order or idempotency key; the stored first outcome follows. */
  REPLAY = 0,
  INSUFFICIENT_STOCK = -1,
  SKU_NOT_FOUND = -2,
  RESERVATION_NOT_FOUND = -3,
  RESERVATION_EXPIRED = -4,
  RESERVATION_RELEASED = -5,
  VERSION_CONFLICT = -6,
  BELOW_RESERVED = -7,
  INVALID_ORDER = -8,
  ALREADY_CONFIRMED = -9,
  EXISTS = -10,
  NOT_DUE = -11,
  TOTAL_LIMIT = -12,
  /** Internal: the SKU keys passed do not match the reservation record; nothing was written, retry. */
  STALE_KEYS = -13,
  /** A location the command names is inactive or unknown (docs/locations.md). */
  LOCATION_NOT_FOUND = -14,
}

/** Failure reasons a script can report (every code except OK, REPLAY and the internal STALE_KEYS). */
export type StockFailureReason = Exclude<keyof typeof StockCode, 'OK' | 'REPLAY' | 'STALE_KEYS'>;

export type StockCodeOutcome = { ok: true } | { ok: false; reason: StockFailureReason };

const reasonByCode = new Map<number, StockFailureReason>([
  [StockCode.INSUFFICIENT_STOCK, 'INSUFFICIENT_STOCK'],
  [StockCode.SKU_NOT_FOUND, 'SKU_NOT_FOUND'],
  [StockCode.RESERVATION_NOT_FOUND, 'RESERVATION_NOT_FOUND'],
  [StockCode.RESERVATION_EXPIRED, 'RESERVATION_EXPIRED'],
  [StockCode.RESERVATION_RELEASED, 'RESERVATION_RELEASED'],
  [StockCode.VERSION_CONFLICT, 'VERSION_CONFLICT'],
  [StockCode.BELOW_RESERVED, 'BELOW_RESERVED'],
  [StockCode.INVALID_ORDER, 'INVALID_ORDER'],
  [StockCode.ALREADY_CONFIRMED, 'ALREADY_CONFIRMED'],
  [StockCode.EXISTS, 'EXISTS'],
  [StockCode.NOT_DUE, 'NOT_DUE'],
  [StockCode.TOTAL_LIMIT, 'TOTAL_LIMIT'],
  [StockCode.LOCATION_NOT_FOUND, 'LOCATION_NOT_FOUND'],
]);

/** Maps a final (non-REPLAY, non-STALE) script code to an outcome; throws on a code it does not know. */
export function toStockOutcome(code: number): StockCodeOutcome {
  if (code === StockCode.OK) return { ok: true };
  const reason = reasonByCode.get(code);
  if (reason === undefined) throw new RangeError(`unknown stock script code ${code}`);
  return { ok: false, reason };
}

/**
 * The `outcome` label of the `inventory_stock_outcomes_total` metric: `ok`, `replay`, or the
 * failure reason. One function, so the API and the worker count the same way.
 */
export function stockOutcomeLabel(outcome: { ok: boolean; replayed: boolean; reason?: string }): string {
  if (outcome.replayed) return 'replay';
  return outcome.ok ? 'ok' : (outcome.reason ?? 'unknown');
}

/**
 * Whether a first (non-replayed) outcome appended a journal entry: everything does except
 * `init` EXISTS, and `expire` and `extend` answers other than OK (the sweeper's no-ops are not
 * outcomes of an inbound event; a refused extend changes nothing worth keeping).
 */
export function isJournaledCode(action: string, code: number): boolean {
  if (code === StockCode.EXISTS) return false;
  if (action === 'expire' || action === 'extend') return code === StockCode.OK;
  return code !== StockCode.REPLAY && code !== StockCode.STALE_KEYS;
}

/**
 * The `reason` of a `stock.reservation.failed` event for a failed reserve code (the wire names the
 * short-stock case NOT_ENOUGH_STOCK).
 */
export function reservationFailedReason(
  code: number,
): 'NOT_ENOUGH_STOCK' | 'SKU_NOT_FOUND' | 'INVALID_ORDER' {
  if (code === StockCode.INSUFFICIENT_STOCK) return 'NOT_ENOUGH_STOCK';
  if (code === StockCode.SKU_NOT_FOUND) return 'SKU_NOT_FOUND';
  // The contract lists no reason for a location the order named but that is unknown or inactive
  // (docs/locations.md): the order is invalid as sent; the failed item names the location.
  if (code === StockCode.INVALID_ORDER || code === StockCode.LOCATION_NOT_FOUND) return 'INVALID_ORDER';
  throw new RangeError(`code ${code} is not a reservation failure`);
}
