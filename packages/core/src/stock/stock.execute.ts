import type { ChainableCommander, Redis } from 'ioredis';
import { StockCode, type StockFailureReason } from './stock.codes.js';
import {
  type Interpreted,
  interpret,
  type PlanContext,
  planOrder,
  type ScriptPlan,
} from './stock.commands.js';
import { StockStaleKeysError, toStockError } from './stock.errors.js';
import type { StockKeys } from './stock.keys.js';
import { loadStockScripts, type StockCommandName, type StockScriptReply } from './stock.scripts.js';
import { type ScriptObserver, timeScripts } from './stock.timing.js';
import type { CommandContext, IdempotencyReuse } from './stock.types.js';

/** Sending script plans to Redis, one at a time or in one pipeline, with the STALE_KEYS retry. */

/** confirm, release or expire of one order; expire passes '' as orderIdType and reason. */
export interface OrderCall extends CommandContext {
  action: 'confirm' | 'release' | 'expire';
  orderId: string;
  orderIdType: string;
  reason?: string;
}

const maxAttempts = 3;
let keyCounts: Map<StockCommandName, number | undefined> | undefined;

/** numkeys goes first only for `<command>.lua` scripts; `<command>-<n>.lua` ones have it fixed. */
export function callArgs(plan: ScriptPlan): (string | number)[] {
  keyCounts ??= new Map(loadStockScripts().map((s) => [s.command, s.numberOfKeys]));
  const fixed = keyCounts.get(plan.command);
  if (fixed === undefined) return [plan.keys.length, ...plan.keys, ...plan.args];
  if (fixed !== plan.keys.length)
    throw new Error(`${plan.command} takes ${fixed} keys, got ${plan.keys.length}`);
  return [...plan.keys, ...plan.args];
}

export function send(target: Redis | ChainableCommander, plan: ScriptPlan) {
  return target[plan.command](...callArgs(plan));
}

/** One script call on its own round trip, timed for the observer. */
export function sendTimed(
  redis: Redis,
  plan: ScriptPlan,
  observe?: ScriptObserver,
): Promise<StockScriptReply> {
  const call = () =>
    (send(redis, plan) as Promise<StockScriptReply>).catch((error: Error) => {
      throw toStockError(error);
    });
  return timeScripts(observe, [plan.command], 'single', call);
}

/** Reads which SKUs a reservation holds (only a RESERVED record needs its SKU keys passed). */
export function lookupFields(): [string, string] {
  return ['status', 'items'];
}

export function skuIdsOf(fields: (string | null)[] | undefined): string[] {
  const [status, items] = fields ?? [];
  if (status !== 'RESERVED' || !items) return [];
  return (JSON.parse(items) as [string, number][]).map(([skuId]) => String(skuId));
}

/** One confirm/release/expire, unpipelined: read the record's SKUs, run the script, retry if stale. */
export async function runOrderCall<R extends StockFailureReason | IdempotencyReuse>(
  redis: Redis,
  keys: StockKeys,
  context: () => PlanContext,
  call: OrderCall,
  observe?: ScriptObserver,
): Promise<Interpreted<R>> {
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const fields = await redis.hmget(keys.reservation(call.orderId), ...lookupFields());
    const plan = planOrder(context(), call.action, call, skuIdsOf(fields));
    const reply = await sendTimed(redis, plan, observe);
    if (reply[0] !== StockCode.STALE_KEYS) return interpret<R>(plan, reply);
  }
  throw new StockStaleKeysError(call.orderId, maxAttempts);
}

/** Runs plans in one pipeline; each answer (or error) goes to its callback in order. */
export async function runPipelined(
  redis: Redis,
  plans: ScriptPlan[],
  settle: (index: number, error: Error | null, reply: StockScriptReply | undefined) => void,
  observe?: ScriptObserver,
): Promise<void> {
  if (plans.length === 0) return;
  const pipeline = redis.pipeline();
  for (const plan of plans) send(pipeline, plan);
  const commands = plans.map((plan) => plan.command);
  const results = (await timeScripts(observe, commands, 'pipeline', () => pipeline.exec())) ?? [];
  plans.forEach((_, i) => {
    const [error, reply] = results[i] ?? [new Error('pipeline returned no result'), undefined];
    settle(i, error ? toStockError(error) : null, reply as StockScriptReply | undefined);
  });
}
