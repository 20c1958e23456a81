import type { StockKeys } from '../stock.keys.js';
import type { CommandContext, FieldError, InputRejected, StockAction } from '../stock.types.js';

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

export interface StockCommand<Input, Outcome> {
  /** The script (`lua/<action>.lua`) and the journal entries' action. */
  readonly action: StockAction;
  /**
   * confirm, release and expire act on what the order's record says was reserved: the executor
   * reads the record's SKUs just before planning (the script checks them and answers STALE_KEYS
   * when the record changed meanwhile). Undefined when the input is invalid: plan() rejects it.
   */
  reservationOf?(input: Input): string | undefined;
  /** Validates the input, then builds the script call; a rejection never reaches Redis. */
  plan(pc: PlanContext, input: Input, reservedSkus: readonly string[]): ScriptPlan | InputRejected;
  /** Type-only: what the command answers (never set at run time). */
  readonly outcome?: Outcome;
}

export type InputOf<C> = C extends StockCommand<infer Input, unknown> ? Input : never;
export type OutcomeOf<C> = C extends StockCommand<never, infer Outcome> ? Outcome : never;

export function rejected(reason: InputRejected['reason'], errors: FieldError[]): InputRejected {
  return { ok: false, reason, replayed: false, journaled: false, entry: null, errors };
}

/** ARGV every script takes after its own leading values: the outcome event id and who asked. */
export function contextArgs(ctx: CommandContext, eventId: string): string[] {
  return [eventId, ctx.causationId, ctx.correlationId, ctx.actor];
}
