import { isJournaledCode, StockCode, type StockFailureReason, toStockOutcome } from '../stock.codes.js';
import { parseJournalEntry } from '../stock.journal.js';
import type { IdempotencyReuse, InputRejected, JournalEntry, StockResult } from '../stock.types.js';
import type { ScriptPlan } from './command.js';

/** What every stock script answers: its code and the outcome document (JSON). */
export type StockScriptReply = [code: number, entryJson: string];

/** A script's answer (anything but a rejection before Redis); R is the command's failure reasons. */
export type Interpreted<R extends StockFailureReason | IdempotencyReuse> = Exclude<
  StockResult<R>,
  InputRejected
>;

/** Maps a script's reply to the command's outcome (the codes are in stock.codes.ts). */
export function interpret<R extends StockFailureReason | IdempotencyReuse>(
  plan: ScriptPlan,
  reply: StockScriptReply,
): Interpreted<R> {
  const [code, json] = reply;
  const replayed = code === StockCode.REPLAY;
  // A replay's code is inside the stored entry, and admin replays check it: parse now. Otherwise the
  // code says everything and the entry is parsed on first access (saves CPU on the hot path).
  const parsed = replayed ? parseJournalEntry(json) : undefined;
  const first = parsed ? parsed.code : code;
  const journaled = !replayed && isJournaledCode(plan.action, first);
  const keyed = plan.skuId !== undefined || plan.digest !== undefined;
  const sameRequest =
    parsed?.action === plan.action && parsed.skuId === plan.skuId && parsed.digest === plan.digest;
  if (parsed && keyed && !sameRequest) {
    return {
      ok: false,
      reason: 'IDEMPOTENCY_KEY_REUSED' as R,
      replayed,
      journaled,
      code: first,
      entry: parsed,
    };
  }
  let entry = parsed;
  const outcome = toStockOutcome(first);
  const base = {
    replayed,
    journaled,
    get entry(): JournalEntry {
      entry ??= parseJournalEntry(json);
      return entry;
    },
  };
  if (outcome.ok) return Object.assign(base, { ok: true as const, code: StockCode.OK as const });
  return Object.assign(base, { ok: false as const, reason: outcome.reason as R, code: first });
}
