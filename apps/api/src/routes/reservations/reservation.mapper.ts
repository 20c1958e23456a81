import type {
  ConfirmOutcome,
  ExtendOutcome,
  JournalEntry,
  OrderItem,
  ReleaseOutcome,
  Reservation,
  ReserveOutcome,
} from '@inventory/core';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { LosslessNumber } from '../../http/json-body.js';
import { rejectedError } from '../../http/stock-outcome.js';
import type { ReservationView } from '../../schemas/reservation.schema.js';

/**
 * Reservation outcomes → HTTP. Reserve, confirm and release are idempotent by order in the core:
 * a repeat gets the first call's entry, and the answer is built from it alone, so a replay gets the
 * same status and body as the first call, failures included.
 */

/** A numeric orderId goes back out as a JSON number with every digit. */
export function echoOrderId(orderId: string, type: string | null | undefined): string | LosslessNumber {
  return type === 'number' ? new LosslessNumber(orderId) : orderId;
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** Items as answered: allocations only where they are not all at `default`. */
function itemsOf(items: readonly OrderItem[]): ReservationView['items'] {
  return items.map(({ skuId, quantity, allocations }) =>
    allocations ? { skuId, quantity, allocations } : { skuId, quantity },
  );
}

function viewOf(entry: JournalEntry, status: ReservationView['status'], orderId: string): ReservationView {
  return {
    orderId: echoOrderId(entry.orderId ?? orderId, entry.orderIdType),
    status,
    items: itemsOf(entry.items),
    expiresAt: iso(entry.expiresAt),
    correlationId: entry.correlationId === '' ? null : entry.correlationId,
    ...(entry.shortItems ? { shortItems: entry.shortItems } : {}),
  };
}

export function reservationView(reservation: Reservation): ReservationView | null {
  if (reservation.status === 'NONE') return null; // a tombstone, not a reservation
  return {
    orderId: echoOrderId(reservation.orderId, reservation.orderIdType),
    status: reservation.status,
    items: itemsOf(reservation.items),
    expiresAt: iso(reservation.expiresAt),
    correlationId: reservation.correlationId,
  };
}

function stamped(error: ApiError, entry: JournalEntry): ApiError {
  return new ApiError(error.statusCode, error.code, error.message, { ...error.extras, at: entry.at });
}

export function notFound(orderId: string): ApiError {
  return new ApiError(404, ErrorCode.RESERVATION_NOT_FOUND, `No reservation for order ${orderId}`, {
    details: { orderId },
  });
}

export function mapReserveOutcome(outcome: ReserveOutcome, orderId: string): ReservationView {
  if (outcome.entry === null) throw rejectedError(outcome);
  const { entry } = outcome;
  if (outcome.ok) return viewOf(entry, 'RESERVED', orderId);
  const echoed = echoOrderId(entry.orderId ?? orderId, entry.orderIdType);
  if (outcome.reason === 'INVALID_ORDER') {
    const message = `Order ${orderId} was already cancelled or settled and cannot be reserved`;
    throw stamped(
      new ApiError(409, ErrorCode.RESERVATION_STATE, message, { details: { orderId: echoed } }),
      entry,
    );
  }
  const reason = outcome.reason === 'INSUFFICIENT_STOCK' ? 'NOT_ENOUGH_STOCK' : outcome.reason;
  const failedItems = entry.failedItems.map((f) => ({
    skuId: f.skuId,
    requestedQuantity: f.requested,
    quantity: f.requested,
    availableQuantity: f.available,
    ...(f.locationId === undefined ? {} : { locationId: f.locationId }),
  }));
  const message =
    reason === 'SKU_NOT_FOUND'
      ? 'Unknown SKU in the order; nothing was reserved'
      : reason === 'LOCATION_NOT_FOUND'
        ? 'An item names an unknown or inactive location; nothing was reserved'
        : 'Not enough stock; nothing was reserved';
  throw stamped(
    new ApiError(
      reason === 'LOCATION_NOT_FOUND' ? 404 : 409,
      reason === 'LOCATION_NOT_FOUND' ? ErrorCode.LOCATION_NOT_FOUND : ErrorCode.NOT_ENOUGH_STOCK,
      message,
      {
        details: { orderId: echoed, reason, failedItems },
      },
    ),
    entry,
  );
}

const stateMessages: Record<string, string> = {
  RESERVATION_EXPIRED: 'The reservation has expired; its stock went back to available',
  RESERVATION_RELEASED: 'The reservation was released',
  ALREADY_CONFIRMED: 'The reservation is already confirmed',
};

export function mapSettleOutcome(
  outcome: ConfirmOutcome | ReleaseOutcome | ExtendOutcome,
  orderId: string,
  status: 'CONFIRMED' | 'RELEASED' | 'RESERVED',
): ReservationView {
  if (outcome.entry === null) throw rejectedError(outcome);
  const { entry } = outcome;
  if (outcome.ok) {
    const view = viewOf(entry, status, orderId);
    return status === 'RESERVED' ? view : { ...view, expiresAt: null };
  }
  if (outcome.reason === 'RESERVATION_NOT_FOUND') throw stamped(notFound(orderId), entry);
  const verb = { CONFIRMED: 'confirm', RELEASED: 'release', RESERVED: 'extend' }[status];
  const message = stateMessages[outcome.reason] ?? `Cannot ${verb}`;
  const details = { orderId: echoOrderId(orderId, entry.orderIdType), reason: outcome.reason };
  throw stamped(new ApiError(409, ErrorCode.RESERVATION_STATE, message, { details }), entry);
}
