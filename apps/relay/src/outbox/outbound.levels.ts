import type { JournalEntry, JournalLocation, JournalSku, KafkaTopics } from '@inventory/core';
import { availableAtLocation, availableOf, changedSkus } from '@inventory/core';
import type { Data, Draft } from './outbound.events.js';

/** Low-stock threshold per SKU id (`inventory_sku_threshold`); a SKU without one is absent. */
export type LowStockThresholds = ReadonlyMap<string, number>;

/** What the level events borrow from the outcome events (ids, the order id in its JSON type). */
export interface LevelTools {
  derivedId(entry: JournalEntry, type: string, part?: string): string;
  orderIdValue(entry: JournalEntry): unknown;
}

/** available before and after one change, of a SKU or of one of its locations. */
interface Level {
  skuId: string;
  locationId?: string;
  before: number;
  after: number;
}

function skuLevel(s: JournalSku): Level {
  const before = availableOf({
    total: s.total - s.dTotal,
    reserved: s.reserved - s.dReserved,
    safety: (s.safety ?? 0) - (s.dSafety ?? 0),
  });
  return { skuId: s.skuId, before, after: availableOf(s) };
}

function locationLevel(skuId: string, l: JournalLocation): Level {
  const after = availableAtLocation(l);
  const before = after - l.dTotal + l.dReserved + (l.dSafetyStock ?? 0);
  return { skuId, locationId: l.locationId, before, after };
}

/**
 * The level events of one change, in the order they happened on the way down: `stock.low` when
 * available fell strictly below the SKU's threshold (it was at or above it before), then
 * `stock.depleted` when it reached 0, or `stock.restored` when it rose above 0 again. Only a
 * crossing emits: a level already below its threshold stays silent until it rises to it again.
 * A location's events carry its `locationId` and use the SKU's threshold (docs/locations.md).
 */
function levelEvents(
  entry: JournalEntry,
  level: Level,
  t: KafkaTopics,
  tools: LevelTools,
  threshold?: number,
): Draft[] {
  const { before, after, skuId, locationId } = level;
  const zero =
    before > 0 && after <= 0 ? 'stock.depleted' : before <= 0 && after > 0 ? 'stock.restored' : undefined;
  const low = threshold !== undefined && before >= threshold && after < threshold;
  const order = entry.orderId === undefined ? {} : { orderId: tools.orderIdValue(entry) };
  const where = locationId === undefined ? {} : { locationId };
  const draft = (type: string, topic: string, data: Data): Draft => ({
    id: tools.derivedId(entry, type, locationId === undefined ? skuId : `${skuId}\u0000${locationId}`),
    type,
    topic,
    key: skuId,
    subject: `inventory/${skuId}`,
    data: {
      skuId,
      ...where,
      available: after,
      ...data,
      ...order,
      correlationId: entry.correlationId,
      causationId: entry.causationId,
    },
  });
  const drafts: Draft[] = [];
  if (low) drafts.push(draft('stock.low', t.stockLow, { threshold }));
  if (zero) drafts.push(draft(zero, zero === 'stock.depleted' ? t.stockDepleted : t.stockRestored, {}));
  return drafts;
}

/** available crossed a level: the threshold or zero, per SKU and per location it moved. */
export function thresholdEvents(
  entry: JournalEntry,
  t: KafkaTopics,
  thresholds: LowStockThresholds,
  tools: LevelTools,
): Draft[] {
  if (entry.action === 'init') return []; // a new SKU has no "before"
  return changedSkus(entry).flatMap((s) => {
    const threshold = thresholds.get(s.skuId);
    const levels = [skuLevel(s), ...(s.locations ?? []).map((l) => locationLevel(s.skuId, l))];
    return levels.flatMap((level) => levelEvents(entry, level, t, tools, threshold));
  });
}
