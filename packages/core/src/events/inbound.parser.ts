import { isLosslessNumber, LosslessNumber, parse as parseLossless } from 'lossless-json';
import type { z } from 'zod';
import type { OrderRef } from '../stock/stock.input.js';
import {
  envelopeSchema,
  orderCancelledData,
  orderConfirmedData,
  orderPlacedData,
  skuCreatedData,
} from './inbound.schema.js';

/** What a consumer reads: one kind per inbound topic role. */
export type InboundKind = 'order.placed' | 'order.confirmed' | 'order.cancelled' | 'product.sku.created';

interface EventMeta {
  /** The inbound event's id: the outbound causationId and the de-duplication key. */
  eventId: string;
  /** The inbound correlationId, or the order id (as a string) when absent. */
  correlationId: string;
}

export type InboundEvent =
  | (EventMeta & OrderRef & { kind: 'order.placed'; items: { skuId: string; quantity: number }[] })
  | (EventMeta & OrderRef & { kind: 'order.confirmed' })
  | (EventMeta & OrderRef & { kind: 'order.cancelled'; reason: string | undefined })
  | (EventMeta & { kind: 'product.sku.created'; skuId: string; initialQuantity: number });

/** Why a message went to the dead-letter topic; stable codes for headers and metrics. */
export type PoisonReason =
  | 'NOT_JSON'
  | 'NOT_AN_OBJECT'
  | 'INVALID_ENVELOPE'
  | 'UNEXPECTED_TYPE'
  | 'INVALID_DATA';

export type ParseResult =
  | { status: 'ok'; event: InboundEvent }
  /** A valid event of another type on a shared topic (product.default): acknowledged, not acted on. */
  | { status: 'ignored'; type: string }
  | { status: 'poison'; reason: PoisonReason; detail: string };

function poison(reason: PoisonReason, detail: string): ParseResult {
  return { status: 'poison', reason, detail };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses one record value (bytes as sent) for a consumer of `expected` events. Never throws. */
export function parseInbound(expected: InboundKind, value: Buffer | string | null): ParseResult {
  if (value === null || value.length === 0) return poison('NOT_JSON', 'empty message value');
  let json: unknown;
  try {
    // Every number becomes a LosslessNumber: its digits are kept as written.
    json = parseLossless(value.toString(), null, (digits) => new LosslessNumber(digits));
  } catch (err) {
    return poison('NOT_JSON', (err as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || isLosslessNumber(json)) {
    return poison('NOT_AN_OBJECT', 'the value is not a JSON object');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return poison('INVALID_ENVELOPE', describeIssues(envelope.error));
  const { id: eventId, type, data } = envelope.data;
  if (type !== expected) {
    // The catalog shares product.default between several product events: only SKU creation is ours.
    if (expected === 'product.sku.created') return { status: 'ignored', type };
    return poison('UNEXPECTED_TYPE', `expected type ${expected}, got ${type}`);
  }
  return parseData(expected, eventId, data);
}

function parseData(kind: InboundKind, eventId: string, data: Record<string, unknown>): ParseResult {
  switch (kind) {
    case 'order.placed': {
      const r = orderPlacedData.safeParse(data);
      if (!r.success) return poison('INVALID_DATA', describeIssues(r.error));
      const { orderId, items, correlationId } = r.data;
      return ok({ kind, eventId, ...orderId, items, correlationId: correlationId ?? orderId.orderId });
    }
    case 'order.confirmed': {
      const r = orderConfirmedData.safeParse(data);
      if (!r.success) return poison('INVALID_DATA', describeIssues(r.error));
      const { orderId, correlationId } = r.data;
      return ok({ kind, eventId, ...orderId, correlationId: correlationId ?? orderId.orderId });
    }
    case 'order.cancelled': {
      const r = orderCancelledData.safeParse(data);
      if (!r.success) return poison('INVALID_DATA', describeIssues(r.error));
      const { orderId, correlationId, reason } = r.data;
      return ok({
        kind,
        eventId,
        ...orderId,
        reason: reason ?? undefined,
        correlationId: correlationId ?? orderId.orderId,
      });
    }
    case 'product.sku.created': {
      const r = skuCreatedData.safeParse(data);
      if (!r.success) return poison('INVALID_DATA', describeIssues(r.error));
      return ok({
        kind,
        eventId,
        skuId: r.data.skuId,
        initialQuantity: r.data.initialQuantity,
        correlationId: r.data.correlationId ?? eventId,
      });
    }
  }
}

function ok(event: InboundEvent): ParseResult {
  return { status: 'ok', event };
}
