import type {
  ConfirmOutcome,
  JournalEntry,
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

function viewOf(entry: JournalEntry, status: ReservationView['status'], orderId: string): ReservationView {
  return {
    orderId: echoOrderId(entry.orderId ?? orderId, entry.orderIdType),
    status,
    items: entry.items.map(({ skuId, quantity }) => ({ skuId, quantity })),
    expiresAt: iso(entry.expiresAt),
    correlationId: entry.correlationId === '' ? null : entry.correlationId,
  };
}

export function reservationView(reservation: Reservation): ReservationView | null {
  if (reservation.status === 'NONE') return null; // a tombstone, not a reservation
  return {
    orderId: echoOrderId(reservation.orderId, reservation.orderIdType),
    status: reservation.status,
    items: reservation.items,
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
  const reason = outcome.reason === 'SKU_NOT_FOUND' ? 'SKU_NOT_FOUND' : 'NOT_ENOUGH_STOCK';
  const failedItems = entry.failedItems.map((f) => ({
    skuId: f.skuId,
    requestedQuantity: f.requested,
    quantity: f.requested,
    availableQuantity: f.available,
  }));
  const message =
    reason === 'SKU_NOT_FOUND'
      ? 'Unknown SKU in the order; nothing was reserved'
      : 'Not enough stock; nothing was reserved';
  throw stamped(
    new ApiError(409, ErrorCode.NOT_ENOUGH_STOCK, message, {
      details: { orderId: echoed, reason, failedItems },
    }),
    entry,
  );
}

const stateMessages: Record<string, string> = {
  RESERVATION_EXPIRED: 'The reservation has expired; its stock went back to available',
  RESERVATION_RELEASED: 'The reservation was released',
  ALREADY_CONFIRMED: 'The reservation is already confirmed and cannot be released',
};

export function mapSettleOutcome(
  outcome: ConfirmOutcome | ReleaseOutcome,
  orderId: string,
  status: 'CONFIRMED' | 'RELEASED',
): ReservationView {
  if (outcome.entry === null) throw rejectedError(outcome);
  const { entry } = outcome;
  if (outcome.ok) return { ...viewOf(entry, status, orderId), expiresAt: null };
  if (outcome.reason === 'RESERVATION_NOT_FOUND') throw stamped(notFound(orderId), entry);
  const message = stateMessages[outcome.reason] ?? `Cannot ${status === 'CONFIRMED' ? 'confirm' : 'release'}`;
  const details = { orderId: echoOrderId(orderId, entry.orderIdType), reason: outcome.reason };
  throw stamped(new ApiError(409, ErrorCode.RESERVATION_STATE, message, { details }), entry);
}
