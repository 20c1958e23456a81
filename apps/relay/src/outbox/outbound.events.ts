import type { JournalEntry, KafkaTopics } from '@inventory/core';
import { availableOf, changedSkus, reservationFailedReason, StockCode } from '@inventory/core';
import { LosslessNumber, stringify } from 'lossless-json';
import { v5 as uuidv5 } from 'uuid';
import { type LowStockThresholds, thresholdEvents } from './outbound.levels.js';

/** One CloudEvent ready for the outbox: the payload is the exact record value to publish. */
export interface OutboundEvent {
  eventId: string;
  type: string;
  topic: string;
  key: string;
  payload: string;
}

export interface OutboundSettings {
  source: string;
  topics: KafkaTopics;
}

// Namespace for event ids derived from an entry's own id (depleted/restored, released-on-confirm):
// deterministic, so re-projecting an entry after a crash yields the same ids, never new ones.
const DERIVED_ID_NAMESPACE = '6d3f1f0e-51c4-4f55-9c35-6a4e3d7b2a10';

function derivedId(entry: JournalEntry, type: string, part = ''): string {
  return uuidv5(`${entry.eventId}:${type}:${part}`, DERIVED_ID_NAMESPACE);
}

export type Data = Record<string, unknown>;

/** The order id in the JSON type it arrived in; digits exact (LosslessNumber) for numbers. */
function orderIdValue(entry: JournalEntry): unknown {
  return entry.orderIdType === 'number' ? new LosslessNumber(entry.orderId ?? '0') : entry.orderId;
}

/** Outcome items; `allocations` only for items held away from `default` (docs/locations.md). */
function items(entry: JournalEntry) {
  return entry.items.map((i) =>
    i.allocations
      ? { skuId: i.skuId, quantity: i.quantity, allocations: i.allocations }
      : { skuId: i.skuId, quantity: i.quantity },
  );
}

export interface Draft {
  id: string;
  type: string;
  topic: string;
  key: string;
  subject: string;
  data: Data;
}

function orderEvent(entry: JournalEntry, id: string, type: string, topic: string, data: Data): Draft {
  const orderId = entry.orderId ?? '';
  return {
    id,
    type,
    topic,
    key: orderId,
    subject: `inventory/${orderId}`,
    data: {
      orderId: orderIdValue(entry),
      ...data,
      correlationId: entry.correlationId,
      causationId: entry.causationId,
    },
  };
}

function orderEvents(entry: JournalEntry, t: KafkaTopics): Draft[] {
  // A cross-shard order's parts and its opening are steps, not outcomes: its coordinator answers.
  if (entry.part || entry.stage === 'begin') return [];
  const ok = entry.code === StockCode.OK;
  const id = entry.eventId;
  switch (entry.action) {
    case 'reserve':
      if (ok) {
        const expiresAt = new Date(entry.expiresAt ?? entry.at).toISOString();
        return [orderEvent(entry, id, 'stock.reserved', t.stockReserved, { items: items(entry), expiresAt })];
      }
      return [
        orderEvent(entry, id, 'stock.reservation.failed', t.stockReservationFailed, {
          reason: reservationFailedReason(entry.code),
          failedItems: entry.failedItems.map((f) => ({
            skuId: f.skuId,
            requestedQuantity: f.requested,
            quantity: f.requested,
            availableQuantity: f.available,
            ...(f.locationId === undefined ? {} : { locationId: f.locationId }),
          })),
          occurredAt: entry.at,
        }),
      ];
    case 'confirm':
      return confirmEvents(entry, t);
    case 'release':
    case 'expire': {
      if (!ok) return []; // the contract has no release-failure event: journaled for the ledger only
      const reason = entry.action === 'expire' ? 'EXPIRED' : (entry.reason ?? 'CANCELLED');
      return [orderEvent(entry, id, 'stock.released', t.stockReleased, { items: items(entry), reason })];
    }
    default:
      return [];
  }
}

function confirmEvents(entry: JournalEntry, t: KafkaTopics): Draft[] {
  if (entry.code === StockCode.OK) {
    return [orderEvent(entry, entry.eventId, 'stock.confirmed', t.stockConfirmed, { items: items(entry) })];
  }
  const failed = (reason: string) =>
    orderEvent(entry, entry.eventId, 'stock.confirm.failed', t.stockConfirmFailed, {
      reason,
      occurredAt: entry.at,
    });
  switch (entry.code) {
    case StockCode.RESERVATION_EXPIRED: {
      // A confirm past the deadline expired the reservation itself: the stock went back first.
      const expired = changedSkus(entry).length > 0;
      const released = orderEvent(
        entry,
        derivedId(entry, 'stock.released'),
        'stock.released',
        t.stockReleased,
        {
          items: items(entry),
          reason: 'EXPIRED',
        },
      );
      return expired ? [released, failed('RESERVATION_EXPIRED')] : [failed('RESERVATION_EXPIRED')];
    }
    case StockCode.RESERVATION_RELEASED:
      return [failed('RESERVATION_RELEASED')];
    case StockCode.RESERVATION_NOT_FOUND:
      return [failed('RESERVATION_NOT_FOUND')];
    default:
      return [];
  }
}

function adjustedEvents(entry: JournalEntry, t: KafkaTopics): Draft[] {
  if (
    entry.action === 'reserve' ||
    entry.action === 'confirm' ||
    entry.action === 'release' ||
    entry.action === 'expire'
  ) {
    return [];
  }
  return changedSkus(entry).map((s, i) => ({
    id: i === 0 ? entry.eventId : derivedId(entry, 'stock.adjusted', s.skuId),
    type: 'stock.adjusted',
    topic: t.stockAdjusted,
    key: s.skuId,
    subject: `inventory/${s.skuId}`,
    data: {
      skuId: s.skuId,
      delta: s.dTotal,
      total: s.total,
      reserved: s.reserved,
      available: availableOf(s),
      reason: entry.reason ?? entry.action.toUpperCase(),
      version: s.version,
      correlationId: entry.correlationId,
      causationId: entry.causationId,
    },
  }));
}

export type { LowStockThresholds } from './outbound.levels.js';

/**
 * The outcome events of one journal entry, in the order they happened. The first is the outcome of
 * the command itself and carries the entry's eventId, so a redelivered command (a replay, which
 * appends no entry) can never publish a second outcome with a new id. `thresholds` are the SKUs'
 * low-stock thresholds as the relay read them when draining the entry.
 */
export function outboundEvents(
  entry: JournalEntry,
  settings: OutboundSettings,
  thresholds: LowStockThresholds = new Map(),
): OutboundEvent[] {
  const drafts = [...orderEvents(entry, settings.topics), ...adjustedEvents(entry, settings.topics)];
  drafts.push(...thresholdEvents(entry, settings.topics, thresholds, { derivedId, orderIdValue }));
  const time = new Date(entry.at).toISOString();
  return drafts.map((d) => ({
    eventId: d.id,
    type: d.type,
    topic: d.topic,
    key: d.key,
    payload: stringify({
      id: d.id,
      source: settings.source,
      specversion: '1.0',
      type: d.type,
      datacontenttype: 'application/json',
      subject: d.subject,
      time,
      data: d.data,
    }) as string,
  }));
}
