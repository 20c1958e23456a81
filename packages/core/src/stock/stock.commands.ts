import { createHash } from 'node:crypto';
import { isJournaledCode, StockCode, type StockFailureReason, toStockOutcome } from './stock.codes.js';
import { parseJournalEntry } from './stock.journal.js';
import type { StockKeys } from './stock.keys.js';
import type { StockCommandName, StockScriptReply } from './stock.scripts.js';
import type {
  AdjustInput,
  BulkAdjustInput,
  CommandContext,
  FieldError,
  IdempotencyReuse,
  InitInput,
  InputRejected,
  JournalEntry,
  OrderInput,
  ReserveInput,
  SetInput,
  StockAction,
  StockResult,
} from './stock.types.js';
import {
  assertContext,
  checkBulkItems,
  intError,
  normalizeItems,
  orderIdErrors,
  quantityError,
  STOCK_LIMITS,
  skuIdError,
} from './stock.validation.js';

/**
 * Builds KEYS and ARGV for the scripts (the layouts are in each lua/ file's header). Every write
 * script's last key is the restored-data marker: the script refuses to act (error RESTORING) on a
 * Redis that lost its data and is being rebuilt, so no check-then-act window is left to callers.
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

export interface ScriptPlan {
  action: StockAction;
  command: StockCommandName;
  keys: string[];
  args: (string | number)[];
  /** Admin writes: the SKU the idempotency key must have been used for. */
  skuId?: string;
  /** Bulk: digest of the items the idempotency key must have been used for. */
  digest?: string;
}

export function rejected(reason: InputRejected['reason'], errors: FieldError[]): InputRejected {
  return { ok: false, reason, replayed: false, journaled: false, entry: null, errors };
}

function contextArgs(ctx: CommandContext, eventId: string): string[] {
  return [eventId, ctx.causationId, ctx.correlationId, ctx.actor];
}

export function planInit(pc: PlanContext, input: InitInput): ScriptPlan | InputRejected {
  assertContext(input);
  const skuError = skuIdError(input.skuId, 'skuId');
  if (skuError) return rejected('INVALID_SKU_ID', [skuError]);
  const qtyError = intError(input.initialQuantity, 'initialQuantity', 0, STOCK_LIMITS.maxTotal);
  if (qtyError) return rejected('INVALID_QUANTITY', [qtyError]);
  const eventId = input.eventId ?? pc.newId();
  return {
    action: 'init',
    command: 'stockInit',
    keys: [pc.keys.stock(input.skuId), pc.keys.journal, pc.keys.restored],
    args: [
      pc.now,
      '',
      ...contextArgs(input, eventId),
      input.skuId,
      input.initialQuantity,
      input.reason ?? '',
    ],
  };
}

type AdminAction = 'set' | 'add' | 'decrease';
const adminCommand = { set: 'stockSet', add: 'stockAdd', decrease: 'stockDecrease' } as const;

/** set, add and decrease share a layout; `amount` is the total (set) or the quantity. */
export function planAdmin(
  pc: PlanContext,
  action: AdminAction,
  input: (SetInput | AdjustInput) & { amount: number },
): ScriptPlan | InputRejected {
  assertContext(input);
  const skuError = skuIdError(input.skuId, 'skuId');
  if (skuError) return rejected('INVALID_SKU_ID', [skuError]);
  const expected = 'expectedVersion' in input ? input.expectedVersion : undefined;
  const errors = [
    action === 'set'
      ? intError(input.amount, 'total', 0, Number.MAX_SAFE_INTEGER)
      : quantityError(input.amount, 'quantity'),
    expected === undefined ? null : intError(expected, 'expectedVersion', 0, Number.MAX_SAFE_INTEGER),
  ].filter((e): e is FieldError => e !== null);
  if (errors.length > 0) return rejected('INVALID_QUANTITY', errors);
  const eventId = input.eventId ?? pc.newId();
  const key = input.idempotencyKey;
  const args = [pc.now, pc.settings.idempotencyTtlSeconds, ...contextArgs(input, eventId), input.skuId];
  args.push(input.amount, input.reason ?? '', key ?? '');
  if (action === 'set') args.push(expected === undefined ? '' : expected);
  return {
    action,
    command: adminCommand[action],
    // Without a caller key the call is still idempotent by its eventId.
    keys: [
      pc.keys.stock(input.skuId),
      pc.keys.idempotency(key ?? `event:${eventId}`),
      pc.keys.journal,
      pc.keys.restored,
    ],
    args,
    skuId: input.skuId,
  };
}

/**
 * Bulk adjustment: every item in one script call (all or none). Without a caller key the call is
 * idempotent by its eventId, as the single admin writes are.
 */
export function planBulk(pc: PlanContext, input: BulkAdjustInput): ScriptPlan | InputRejected {
  assertContext(input);
  const checked = checkBulkItems(input.items);
  if (!checked.ok) return rejected('INVALID_BULK', checked.errors);
  const eventId = input.eventId ?? pc.newId();
  const key = input.idempotencyKey;
  const triples = checked.items.flatMap((i) => [i.skuId, i.mode, i.amount]);
  const digest = createHash('sha256').update(JSON.stringify(triples)).digest('base64url');
  const keys = [pc.keys.idempotency(key ?? `event:${eventId}`), pc.keys.journal];
  const args = [pc.now, pc.settings.idempotencyTtlSeconds, ...contextArgs(input, eventId)];
  args.push(input.reason ?? '', key ?? '', digest, ...triples);
  for (const item of checked.items) keys.push(pc.keys.stock(item.skuId));
  keys.push(pc.keys.restored);
  return { action: 'bulk', command: 'stockBulk', keys, args, digest };
}

export function planReserve(pc: PlanContext, input: ReserveInput): ScriptPlan | InputRejected {
  assertContext(input);
  const checked = normalizeItems(input.items);
  const errors = [...orderIdErrors(input.orderId, input.orderIdType), ...(checked.ok ? [] : checked.errors)];
  const ttlError =
    input.ttlSeconds === undefined
      ? null
      : intError(input.ttlSeconds, 'ttlSeconds', 1, STOCK_LIMITS.maxTtlSeconds);
  if (ttlError) errors.push(ttlError);
  if (errors.length > 0 || !checked.ok) return rejected('INVALID_ORDER', errors);
  const ttl = input.ttlSeconds ?? pc.settings.reservationTtlSeconds;
  const eventId = input.eventId ?? pc.newId();
  const keys = [pc.keys.reservation(input.orderId), pc.keys.deadlines, pc.keys.journal];
  const args: (string | number)[] = [pc.now, pc.now + ttl * 1000, pc.settings.finishedTtlSeconds];
  args.push(...contextArgs(input, eventId), input.orderId, input.orderIdType);
  for (const item of checked.items) {
    keys.push(pc.keys.stock(item.skuId));
    args.push(item.skuId, item.quantity);
  }
  keys.push(pc.keys.restored);
  return { action: 'reserve', command: 'stockReserve', keys, args };
}

export function checkOrder(input: OrderInput): InputRejected | null {
  assertContext(input);
  const errors = orderIdErrors(input.orderId, input.orderIdType);
  return errors.length > 0 ? rejected('INVALID_ORDER', errors) : null;
}

const orderCommand = { confirm: 'stockConfirm', release: 'stockRelease', expire: 'stockExpire' } as const;

/**
 * confirm, release and expire act on what the record says was reserved: `skuIds` are the record's
 * items as read just before (the script checks them and answers STALE_KEYS on a mismatch).
 */
export function planOrder(
  pc: PlanContext,
  action: 'confirm' | 'release' | 'expire',
  input: CommandContext & { orderId: string; orderIdType: string; reason?: string },
  skuIds: string[],
): ScriptPlan {
  const eventId = input.eventId ?? pc.newId();
  const keys = [pc.keys.reservation(input.orderId), pc.keys.deadlines, pc.keys.journal];
  const args: (string | number)[] = [pc.now, pc.settings.finishedTtlSeconds, ...contextArgs(input, eventId)];
  args.push(input.orderId, input.orderIdType, input.reason ?? '');
  for (const skuId of skuIds) {
    keys.push(pc.keys.stock(skuId));
    args.push(skuId);
  }
  keys.push(pc.keys.restored);
  return { action, command: orderCommand[action], keys, args };
}

/** A script's answer (anything but a rejection before Redis); R is the command's failure reasons. */
export type Interpreted<R extends StockFailureReason | IdempotencyReuse> = Exclude<
  StockResult<R>,
  InputRejected
>;

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
