import type { OrderIdType, OrderItem, StockResult } from '../stock.types.js';
import { assertContext, intError, normalizeItems, orderIdErrors, STOCK_LIMITS } from '../stock.validation.js';
import {
  type CrossShardOrder,
  contextArgs,
  firstItemShard,
  itemsOffShard,
  rejected,
  type ScriptPlan,
  type StockCommand,
} from './command.js';
import { type OrderInput, validOrderId } from './order.js';

/**
 * reserve: hold every item of an order, or none (order.placed, POST /reservations).
 * Script: lua/reserve.lua; its header gives the KEYS and ARGV built here.
 */

export interface ReserveInput extends OrderInput {
  /** Duplicated SKUs are merged (quantities add). */
  items: OrderItem[];
  /** Overrides the runner's reservation TTL. */
  ttlSeconds?: number;
  /** false: each item from one location alone (docs/locations.md, "Sourcing"); default true. */
  allowSplit?: boolean;
  /** Hold what there is and report the rest (HTTP only; the saga is all or nothing). */
  allowPartial?: boolean;
}

export type ReserveOutcome = StockResult<
  'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'INVALID_ORDER' | 'LOCATION_NOT_FOUND'
>;

/** ARGV options of lua/reserve.lua: S = no split, P = partial. */
export function reserveOptions(input: Pick<ReserveInput, 'allowSplit' | 'allowPartial'>): string {
  return `${input.allowSplit === false ? 'S' : ''}${input.allowPartial === true ? 'P' : ''}`;
}

export const reserve: StockCommand<ReserveInput, ReserveOutcome, ScriptPlan | CrossShardOrder> = {
  action: 'reserve',
  shardOf: (layout, input) => firstItemShard(layout, input.items),
  orderOf: validOrderId,
  plan(pc, input) {
    assertContext(input);
    const checked = normalizeItems(input.items);
    const errors = [
      ...orderIdErrors(input.orderId, input.orderIdType),
      ...(checked.ok ? [] : checked.errors),
    ];
    const ttlError =
      input.ttlSeconds === undefined
        ? null
        : intError(input.ttlSeconds, 'ttlSeconds', 1, STOCK_LIMITS.maxTtlSeconds);
    if (ttlError) errors.push(ttlError);
    if (errors.length > 0 || !checked.ok) return rejected('INVALID_ORDER', errors);
    // Items on several shards: the coordinator of docs/sharding.md reserves them part by part.
    if (
      itemsOffShard(
        pc,
        checked.items.map((i) => i.skuId),
      ).length > 0
    )
      return { crossShard: checked.items };
    const ttl = input.ttlSeconds ?? pc.settings.reservationTtlSeconds;
    const eventId = input.eventId ?? pc.newId();
    const keys = [pc.keys.reservation(input.orderId), pc.keys.deadlines, pc.keys.journal, pc.keys.locations];
    const args: (string | number)[] = [pc.now, pc.now + ttl * 1000, pc.settings.finishedTtlSeconds];
    args.push(...contextArgs(input, eventId), input.orderId, input.orderIdType satisfies OrderIdType);
    args.push(reserveOptions(input));
    for (const item of checked.items) {
      keys.push(pc.keys.stock(item.skuId));
      args.push(item.skuId, item.quantity, item.locationId ?? '');
    }
    keys.push(pc.keys.restored);
    return { action: 'reserve', keys, args };
  },
};
