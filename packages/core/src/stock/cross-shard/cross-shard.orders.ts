import { runScriptsOnShards, type ScriptCall } from '../../redis/lua.scripts.js';
import type { ScriptPlan } from '../commands/command.js';
import { interpret, type StockScriptReply } from '../commands/outcome.js';
import { type ReserveInput, type ReserveOutcome, reserveOptions } from '../commands/reserve.command.js';
import { StockCode } from '../stock.codes.js';
import { StockStaleKeysError, toStockError } from '../stock.errors.js';
import type { ExecutorDeps } from '../stock.executor.js';
import { luaList, parseJournalEntry, toOrderItems } from '../stock.journal.js';
import type { CommandContext, OrderItem, ShortItem, StockAction } from '../stock.types.js';
import {
  beginOrder,
  decideOrder,
  endOrder,
  type OrderCall,
  reservePart,
  type SettleAction,
  settlePart,
} from './cross-shard.calls.js';

/**
 * The coordinator protocol of docs/sharding.md for orders whose items sit on several shards:
 * every step is one idempotent script, so a caller that dies midway is simply run again (Kafka
 * redelivers, an HTTP client retries) and the recovery sweep fails what nobody finishes.
 */

/** A cross-shard order's coordinator as the executor read it. */
export interface Coordinator {
  status: string;
  items: OrderItem[];
}

/** How long a PENDING order may wait for its caller before the recovery sweep fails it. */
export const PENDING_ORDER_MS = 30_000;

const reservePlan: ScriptPlan = { action: 'reserve', keys: [], args: [] };

function itemsByShard(deps: ExecutorDeps, items: readonly OrderItem[]): Map<number, OrderItem[]> {
  const parts = new Map<number, OrderItem[]>();
  for (const item of items) {
    const shard = deps.layout.shardOfSku(item.skuId);
    parts.set(shard, [...(parts.get(shard) ?? []), item]);
  }
  return parts;
}

/** Runs each call on its shard, all in one round (one pipeline per shard on a cluster). */
async function onShards(
  deps: ExecutorDeps,
  calls: { shard: number; call: ScriptCall }[],
): Promise<StockScriptReply[]> {
  const results = await runScriptsOnShards(deps.redis, calls);
  return results.map(([error, reply]) => {
    if (error) throw toStockError(error);
    return reply as StockScriptReply;
  });
}

async function onShard(deps: ExecutorDeps, shard: number, call: ScriptCall): Promise<StockScriptReply> {
  const [reply] = await onShards(deps, [{ shard, call }]);
  return reply as StockScriptReply;
}

/** Settles every part (a shard that never held one gets a tombstone); all parts in one round. */
async function settleParts(
  deps: ExecutorDeps,
  order: OrderCall,
  items: readonly OrderItem[],
  action: SettleAction,
  reason: string,
): Promise<void> {
  const calls = [...itemsByShard(deps, items)].map(([shard, part]) => ({
    shard,
    call: settlePart(
      deps.context(shard),
      order,
      action,
      part.map((i) => i.skuId),
      reason,
    ),
  }));
  const replies = await onShards(deps, calls);
  if (replies.some(([code]) => code === StockCode.STALE_KEYS))
    throw new StockStaleKeysError(order.orderId, 1);
}

/**
 * Every part followed the order's final answer: the coordinator leaves the deadline set, where the
 * final answer had put it (SETTLE_RETRY_MS) in case its caller died before this point.
 */
async function partsSettled(deps: ExecutorDeps, home: number, orderId: string): Promise<void> {
  await deps.redis.zrem(deps.layout.keys(home).deadlines, orderId);
}

function orderCall(
  deps: ExecutorDeps,
  input: CommandContext & { orderId: string; orderIdType?: string },
  home: number,
): OrderCall {
  return {
    ...input,
    orderIdType: input.orderIdType ?? '',
    eventId: input.eventId ?? deps.context(home).newId(),
  };
}

/** A part that could not be held, and which code wins when parts disagree (as lua/reserve.lua ranks them). */
const FAILED_PART_RANK: Partial<Record<number, number>> = {
  [StockCode.INSUFFICIENT_STOCK]: 1,
  [StockCode.LOCATION_NOT_FOUND]: 2,
  [StockCode.SKU_NOT_FOUND]: 3,
};

/** Reserve: begin on the home shard, hold every part, then commit, or release the parts and fail. */
export async function reserveAcrossShards(
  deps: ExecutorDeps,
  input: ReserveInput,
  items: readonly OrderItem[],
): Promise<ReserveOutcome> {
  const home = deps.layout.homeShardOf(input.orderId);
  const order = orderCall(deps, input, home);
  const begin = deps.context(home);
  const shards = [...itemsByShard(deps, items).keys()].sort((a, b) => a - b);
  const begun = await onShard(
    deps,
    home,
    beginOrder(begin, order, items, shards, begin.now + PENDING_ORDER_MS),
  );
  if (begun[0] !== StockCode.OK) return interpret(reservePlan, begun) as ReserveOutcome;
  // A PENDING order goes on with what its coordinator recorded first, whatever this retry says.
  const stored = toOrderItems((JSON.parse(begun[1]) as { items: unknown }).items);
  const partReplies = await onShards(
    deps,
    [...itemsByShard(deps, stored)].map(([shard, part]) => ({
      shard,
      call: reservePart(deps.context(shard), order, part, reserveOptions(input)),
    })),
  );
  let code: number = StockCode.OK;
  const failedItems: unknown[] = [];
  for (const [partCode, json] of partReplies) {
    if (FAILED_PART_RANK[partCode] !== undefined) {
      failedItems.push(...(JSON.parse(json) as unknown[]));
      if (code !== StockCode.INVALID_ORDER && (FAILED_PART_RANK[code] ?? 0) < FAILED_PART_RANK[partCode])
        code = partCode;
    } else if (partCode === StockCode.INVALID_ORDER) code = StockCode.INVALID_ORDER;
  }
  const held = code === StockCode.OK ? heldItems(stored, partReplies) : null;
  if (held && held.items.length === 0) {
    // A partial order that found nothing anywhere fails like any other short order.
    code = StockCode.INSUFFICIENT_STOCK;
    failedItems.push(...held.missing);
  }
  if (held && code === StockCode.OK) {
    const expiresAt = begin.now + (input.ttlSeconds ?? begin.settings.reservationTtlSeconds) * 1000;
    const decided = await onShard(
      deps,
      home,
      decideOrder(deps.context(home), order, { decision: 'commit', expiresAt, ...held }),
    );
    const outcome = interpret(reservePlan, decided) as ReserveOutcome;
    // Decided before us (the recovery sweep failed it): our parts go back.
    if (!outcome.ok) {
      await settleParts(deps, order, stored, 'release', 'FAILED');
      await partsSettled(deps, home, order.orderId);
    }
    return outcome;
  }
  await settleParts(deps, order, stored, 'release', 'FAILED');
  const failed = decideOrder(deps.context(home), order, { decision: 'fail', code, failedItems });
  const outcome = interpret(reservePlan, await onShard(deps, home, failed)) as ReserveOutcome;
  await partsSettled(deps, home, order.orderId);
  return outcome;
}

/** What the parts of a cross-shard order answered they hold (reserve-part's OK and REPLAY json). */
interface PartReply {
  items?: unknown;
  shortItems?: [string, number, number][];
  missing?: unknown[];
}

/**
 * The order's items as its parts hold them (with their allocations per location), in the order
 * the coordinator recorded them; a partial order leaves out what got nothing and reports what got
 * less (shortItems) and what got nothing (missing, as failed items).
 */
function heldItems(stored: readonly OrderItem[], replies: readonly [number, string][]) {
  const bySku = new Map<string, OrderItem>();
  const shortItems: ShortItem[] = [];
  const missing: unknown[] = [];
  for (const [, json] of replies) {
    if (json === '') continue;
    const reply = JSON.parse(json) as PartReply;
    for (const item of toOrderItems(reply.items)) bySku.set(item.skuId, item);
    for (const [skuId, requested, reserved] of luaList<[string, number, number]>(reply.shortItems))
      shortItems.push({ skuId, requested, reserved });
    missing.push(...luaList(reply.missing));
  }
  const items = stored.flatMap((item) => {
    const held = bySku.get(item.skuId);
    return held ? [held] : [];
  });
  return { items, shortItems, missing };
}

/** What the parts of an order already answered must do, by the coordinator's final status. */
const FINAL: Record<string, { follow: SettleAction; code: StockCode }> = {
  CONFIRMED: { follow: 'confirm', code: StockCode.ALREADY_CONFIRMED },
  RELEASED: { follow: 'release', code: StockCode.RESERVATION_RELEASED },
  EXPIRED: { follow: 'expire', code: StockCode.RESERVATION_EXPIRED },
  FAILED: { follow: 'release', code: StockCode.RESERVATION_NOT_FOUND },
};

/** What the parts must do after the coordinator answered `entryJson` for `action`. */
function partsFollow(action: StockAction, entryJson: string): SettleAction | undefined {
  if (entryJson === '') return undefined;
  const entry = parseJournalEntry(entryJson);
  if (entry.code === StockCode.OK && (action === 'confirm' || action === 'release' || action === 'expire'))
    return action;
  if (entry.action === 'confirm' && entry.code === StockCode.RESERVATION_EXPIRED) return 'expire';
  if (entry.action === 'reserve' && entry.code !== StockCode.OK) return 'release'; // failed by recovery
  return undefined;
}

/**
 * confirm, release or expire of a cross-shard order: the coordinator first (its answer is the
 * order's), then the parts follow. An expire of a PENDING order is the recovery sweep: it fails
 * the order. Answers 'again' while the order is still being reserved.
 */
export async function endAcrossShards(
  deps: ExecutorDeps,
  action: 'confirm' | 'release' | 'expire',
  input: CommandContext & { orderId: string; orderIdType?: string; reason?: string },
  coordinator: Coordinator,
): Promise<unknown> {
  const home = deps.layout.homeShardOf(input.orderId);
  const order = orderCall(deps, input, home);
  const pc = deps.context(home);
  const final = FINAL[coordinator.status];
  if (action === 'expire' && final) {
    // The sweep found an answered order whose caller never reported its parts settled: settle them.
    const reason =
      final.follow === 'release' ? (coordinator.status === 'FAILED' ? 'FAILED' : 'RECOVERY') : '';
    await settleParts(deps, order, coordinator.items, final.follow, reason);
    await partsSettled(deps, home, order.orderId);
    return interpret({ action, keys: [], args: [] }, [final.code, '']);
  }
  const recovering = action === 'expire' && coordinator.status === 'PENDING';
  const call = recovering
    ? decideOrder(pc, order, { decision: 'recover' })
    : endOrder(pc, order, action, action === 'release' ? (input.reason ?? '') : '');
  const reply = await onShard(deps, home, call);
  if (reply[0] === StockCode.STALE_KEYS) return 'again';
  const follow = partsFollow(recovering ? 'reserve' : action, reply[1]);
  if (follow) {
    await settleParts(
      deps,
      order,
      coordinator.items,
      follow,
      follow === 'release' ? (input.reason ?? 'FAILED') : '',
    );
    await partsSettled(deps, home, order.orderId);
  }
  return interpret(recovering ? reservePlan : { action, keys: [], args: [] }, reply);
}
