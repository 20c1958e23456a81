import { luaScript, type ScriptCall } from '../../redis/lua.scripts.js';
import { contextArgs, type PlanContext } from '../commands/command.js';
import { recordItemsJson } from '../stock.journal.js';
import type { CommandContext, OrderItem, ShortItem } from '../stock.types.js';

/**
 * KEYS and ARGV of the cross-shard order scripts (lua/begin-order.lua, reserve-part.lua,
 * decide-order.lua, settle-part.lua, end-order.lua; the layouts are in their headers).
 * `pc` is always the context of the shard the script runs on.
 */

/** The scripts of the coordinator protocol, in lua/. */
/**
 * After a cross-shard order's final answer, how long its parts may take to follow before the
 * relay's sweep settles them itself (the coordinator stays in the deadline set until then).
 */
export const SETTLE_RETRY_MS = 5_000;

export const CROSS_SHARD_SCRIPTS = [
  'begin-order',
  'reserve-part',
  'decide-order',
  'settle-part',
  'end-order',
];

export interface OrderCall extends CommandContext {
  orderId: string;
  orderIdType: string;
  /** The outcome event's id: one per order and action, so every step of a retry reuses it. */
  eventId: string;
}

export type SettleAction = 'confirm' | 'release' | 'expire';

/**
 * The location an item named. The coordinator records a named location as the item's allocation
 * (`[skuId, qty, [[locationId, qty]]]`), so a retry that reads the record back names it again.
 */
const namedLocation = (i: OrderItem) => i.locationId ?? i.allocations?.[0]?.locationId ?? '';
const triples = (items: readonly OrderItem[]) =>
  items.flatMap((i) => [i.skuId, i.quantity, namedLocation(i)]);
/** The coordinator scripts' keys, on the order's home shard. */
const coordinatorKeys = ({ keys }: PlanContext, orderId: string) => [
  keys.reservation(orderId),
  keys.deadlines,
  keys.journal,
  keys.restored,
];

const asArrays = (items: readonly OrderItem[]) =>
  JSON.stringify(
    items.map((i) =>
      namedLocation(i) === ''
        ? [i.skuId, i.quantity]
        : [i.skuId, i.quantity, [[namedLocation(i), i.quantity]]],
    ),
  );

export function beginOrder(
  pc: PlanContext,
  order: OrderCall,
  items: readonly OrderItem[],
  parts: readonly number[],
  recoverAt: number,
): ScriptCall {
  return {
    script: luaScript('begin-order'),
    keys: coordinatorKeys(pc, order.orderId),
    args: [
      pc.now,
      recoverAt,
      ...contextArgs(order, order.eventId),
      order.orderId,
      order.orderIdType,
      asArrays(items),
      JSON.stringify(parts),
    ],
  };
}

/** `options`: lua/reserve-part.lua's (S = no split). */
export function reservePart(
  pc: PlanContext,
  order: OrderCall,
  items: readonly OrderItem[],
  options = '',
): ScriptCall {
  const { keys } = pc;
  return {
    script: luaScript('reserve-part'),
    keys: [
      keys.part(order.orderId),
      keys.journal,
      keys.locations,
      ...items.map((i) => keys.stock(i.skuId)),
      keys.restored,
    ],
    args: [
      pc.now,
      ...contextArgs(order, `${order.eventId}:${pc.shard}`),
      order.orderId,
      order.orderIdType,
      options,
      ...triples(items),
    ],
  };
}

export type Decision =
  | { decision: 'commit'; expiresAt: number; items?: readonly OrderItem[]; shortItems?: readonly ShortItem[] }
  | { decision: 'fail'; code: number; failedItems: unknown[] }
  | { decision: 'recover' };

export function decideOrder(pc: PlanContext, order: OrderCall, decision: Decision): ScriptCall {
  return {
    script: luaScript('decide-order'),
    keys: coordinatorKeys(pc, order.orderId),
    args: [
      pc.now,
      pc.settings.finishedTtlSeconds,
      decision.decision,
      decision.decision === 'commit' ? decision.expiresAt : '',
      order.eventId,
      order.causationId,
      order.actor,
      order.orderId,
      decision.decision === 'fail' ? decision.code : '',
      decision.decision === 'fail' && decision.failedItems.length > 0
        ? JSON.stringify(decision.failedItems)
        : '',
      pc.now + SETTLE_RETRY_MS,
      decision.decision === 'commit' && decision.items ? recordItemsJson(decision.items) : '',
      decision.decision === 'commit' && decision.shortItems?.length
        ? JSON.stringify(decision.shortItems.map((i) => [i.skuId, i.requested, i.reserved]))
        : '',
    ],
  };
}

/** `skuIds`: the part's SKUs as the coordinator recorded them (the script checks them). */
export function settlePart(
  pc: PlanContext,
  order: OrderCall,
  action: SettleAction,
  skuIds: readonly string[],
  reason: string,
): ScriptCall {
  const { keys } = pc;
  return {
    script: luaScript('settle-part'),
    keys: [keys.part(order.orderId), keys.journal, ...skuIds.map((id) => keys.stock(id)), keys.restored],
    args: [
      pc.now,
      pc.settings.finishedTtlSeconds,
      action,
      ...contextArgs(order, `${order.eventId}:${pc.shard}`),
      order.orderId,
      reason,
      ...skuIds,
    ],
  };
}

export function endOrder(
  pc: PlanContext,
  order: OrderCall,
  action: SettleAction,
  reason: string,
): ScriptCall {
  return {
    script: luaScript('end-order'),
    keys: coordinatorKeys(pc, order.orderId),
    args: [
      pc.now,
      pc.settings.finishedTtlSeconds,
      action,
      ...contextArgs(order, order.eventId),
      order.orderId,
      order.orderIdType,
      reason,
      pc.now + SETTLE_RETRY_MS,
    ],
  };
}
