import { add } from './add.command.js';
import { bulk } from './bulk.command.js';
import type { InputOf, OutcomeOf } from './command.js';
import { confirm } from './confirm.command.js';
import { decrease } from './decrease.command.js';
import { extend } from './extend.command.js';
import { init } from './init.command.js';
import { release } from './release.command.js';
import { reserve } from './reserve.command.js';
import { set } from './set.command.js';
import { transfer } from './transfer.command.js';

/**
 * The stock commands callers run, by name. `<name>.command.ts` holds a command's input rules,
 * its input and outcome types and its KEYS/ARGV; `lua/<name>.lua` is its script; its journal
 * entries carry action `<name>`. (expire is the runner's own: see expireDue.)
 */
export const stockCommands = {
  init,
  set,
  add,
  decrease,
  bulk,
  transfer,
  reserve,
  confirm,
  release,
  extend,
} as const;

export type StockCommands = typeof stockCommands;
export type StockCommandName = keyof StockCommands;

/** One method per command, as the runner and the batch offer them. */
export type StockCommandMethods = {
  [Name in StockCommandName]: (
    input: InputOf<StockCommands[Name]>,
  ) => Promise<OutcomeOf<StockCommands[Name]>>;
};

export type { AddOutcome, AdjustInput } from './add.command.js';
export type { AdjustmentInput } from './adjust.js';
export type { BulkInput, BulkItem, BulkOutcome } from './bulk.command.js';
export type {
  InputOf,
  OutcomeOf,
  PlanContext,
  ScriptPlan,
  StockCommand,
  StockSettings,
} from './command.js';
export type { ConfirmInput, ConfirmOutcome } from './confirm.command.js';
export type { DecreaseOutcome } from './decrease.command.js';
export { type ExpireInput, type ExpireOutcome, expire } from './expire.command.js';
export type { ExtendInput, ExtendOutcome } from './extend.command.js';
export type { InitInput, InitOutcome } from './init.command.js';
export type { OrderInput } from './order.js';
export { type Interpreted, interpret, type StockScriptReply } from './outcome.js';
export type { ReleaseInput, ReleaseOutcome } from './release.command.js';
export type { ReserveInput, ReserveOutcome } from './reserve.command.js';
export type { SetInput, SetOutcome } from './set.command.js';
export type { TransferInput, TransferOutcome } from './transfer.command.js';
export { add, bulk, confirm, decrease, extend, init, release, reserve, set, transfer };
