import type {
  ConfirmOutcome,
  InboundEvent,
  InboundKind,
  InitOutcome,
  ReleaseOutcome,
  ReserveOutcome,
  StockBatch,
} from '@inventory/core';

export type InboundOutcome = ReserveOutcome | ConfirmOutcome | ReleaseOutcome | InitOutcome;

/** What happened to one valid inbound event; `rejected` ones go to the dead-letter topic. */
export type HandledOutcome =
  | { status: 'applied'; result: InboundOutcome }
  | { status: 'rejected'; reason: string; detail: string };

/** The stock command each inbound kind runs: the `action` label, as the API's routes name theirs. */
export const actionOf: Record<InboundKind, string> = {
  'order.placed': 'reserve',
  'order.confirmed': 'confirm',
  'order.cancelled': 'release',
  'product.sku.created': 'init',
};

/**
 * Queues the stock command for one inbound event on a pipelined batch. The outcome event is not
 * sent from here: the script journals it and the relay publishes it from the outbox.
 * Confirm and release act on what was reserved for the order, never on the event's items.
 */
export function queueInboundEvent(batch: StockBatch, event: InboundEvent): Promise<InboundOutcome> {
  const context = {
    causationId: event.eventId,
    correlationId: event.correlationId,
    actor: `kafka:${event.kind}`,
  };
  switch (event.kind) {
    case 'order.placed':
      return batch.reserve({
        ...context,
        orderId: event.orderId,
        orderIdType: event.orderIdType,
        items: event.items,
      });
    case 'order.confirmed':
      return batch.confirm({ ...context, orderId: event.orderId, orderIdType: event.orderIdType });
    case 'order.cancelled':
      return batch.release({
        ...context,
        orderId: event.orderId,
        orderIdType: event.orderIdType,
        reason: 'CANCELLED',
      });
    case 'product.sku.created':
      return batch.init({
        ...context,
        skuId: event.skuId,
        initialQuantity: event.initialQuantity,
        reason: 'SKU_CREATED',
      });
  }
}

/** Input the runner refused before Redis (e.g. merged quantities above the limit) is poison too. */
export function toHandledOutcome(result: InboundOutcome): HandledOutcome {
  if (!result.ok && 'errors' in result) {
    const detail = result.errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
    return { status: 'rejected', reason: result.reason, detail };
  }
  return { status: 'applied', result };
}
