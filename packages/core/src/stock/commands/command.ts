import type { StockKeys } from '../stock.keys.js';
import type { ShardLayout } from '../stock.shards.js';
import type { CommandContext, FieldError, InputRejected, OrderItem, StockAction } from '../stock.types.js';

/**
 * What every stock command is: input rules, then the KEYS and ARGV of its script. A command named
 * `reserve` runs `lua/reserve.lua` and journals its entries with action `reserve`: one name
 * throughout. Every write script's last key is the restored-data marker: the script refuses to
 * act (error RESTORING) on a Redis that lost its data and is being rebuilt, so no check-then-act
 * window is left to callers.
 */

export interface StockSettings {
  reservationTtlSeconds: number;
  finishedTtlSeconds: number;
  idempotencyTtlSeconds: number;
}

export interface PlanContext {
  layout: ShardLayout;
  /** The shard the command runs on, and its keys. */
  shard: number;
  keys: StockKeys;
  settings: StockSettings;
  now: number;
  newId: () => string;
}

/** One call of `lua/<action>.lua`: its KEYS and ARGV, in the order the script's header gives. */
export interface ScriptPlan {
  action: StockAction;
  keys: string[];
  args: (string | number)[];
  /** Admin writes: the SKU the idempotency key must have been used for. */
  skuId?: string;
  /** Bulk: digest of the items the idempotency key must have been used for. */
  digest?: string;
}

export interface StockCommand<Input, Outcome, Planned = ScriptPlan> {
  /** The script (`lua/<action>.lua`) and the journal entries' action. */
  readonly action: StockAction;
  /**
   * The shard the command runs on, from its input (the shard of its SKUs). Without it the command
   * runs where the executor finds the order's record (reservationOf), on any shard.
   */
  shardOf?(layout: ShardLayout, input: Input): number;
  /**
   * confirm, release and expire act on what the order's record says was reserved: the executor
   * reads the record's SKUs just before planning (the script checks them and answers STALE_KEYS
   * when the record changed meanwhile). Undefined when the input is invalid: plan() rejects it.
   */
  reservationOf?(input: Input): string | undefined;
  /**
   * The command touches only the order's record and deadline (extend): it runs its own script on
   * the shard that holds the record, a cross-shard order's coordinator included.
   */
  readonly recordOnly?: true;
  /**
   * reserve: the order it creates. With several shards an order's record may sit on another shard
   * than this reserve's (an earlier order.placed with other items, or a tombstone on the order's
   * home shard), so the executor looks on every shard first. Undefined for an invalid input.
   */
  orderOf?(input: Input): string | undefined;
  /**
   * Validates the input, then builds the script call; a rejection never reaches Redis. A reserve
   * whose items sit on several shards answers CrossShardOrder: the executor runs the coordinator.
   */
  plan(pc: PlanContext, input: Input, reservedSkus: readonly string[]): Planned | InputRejected;
  /** Type-only: what the command answers (never set at run time). */
  readonly outcome?: Outcome;
}

/** A valid order whose (merged) items sit on several shards (docs/sharding.md). */
export interface CrossShardOrder {
  crossShard: OrderItem[];
}

export type InputOf<C> = C extends StockCommand<infer Input, unknown, unknown> ? Input : never;
export type OutcomeOf<C> = C extends StockCommand<never, infer Outcome, unknown> ? Outcome : never;

export function rejected(reason: InputRejected['reason'], errors: FieldError[]): InputRejected {
  return { ok: false, reason, replayed: false, journaled: false, entry: null, errors };
}

/** The shard of a SKU; an invalid id (rejected by plan()) is placed on shard 0. */
export function skuShard(layout: ShardLayout, skuId: unknown): number {
  return typeof skuId === 'string' ? layout.shardOfSku(skuId) : 0;
}

/** The shard of the first item, for commands whose items must all share one shard. */
export function firstItemShard(layout: ShardLayout, items: unknown): number {
  const first: unknown = Array.isArray(items) ? items[0] : undefined;
  return skuShard(layout, (first as { skuId?: unknown } | undefined)?.skuId);
}

/** The items' SKUs that are not on the plan's shard (their shard differs): empty when all are. */
export function itemsOffShard(pc: PlanContext, skuIds: readonly string[]): string[] {
  return pc.layout.count === 1 ? [] : skuIds.filter((skuId) => pc.layout.shardOfSku(skuId) !== pc.shard);
}

/** ARGV every script takes after its own leading values: the outcome event id and who asked. */
export function contextArgs(ctx: CommandContext, eventId: string): string[] {
  return [eventId, ctx.causationId, ctx.correlationId, ctx.actor];
}
