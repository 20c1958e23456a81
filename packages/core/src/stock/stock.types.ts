import type { StockCode, StockFailureReason } from './stock.codes.js';

/** The JSON type an orderId arrived in; it is echoed back in the same type. */
export type OrderIdType = 'number' | 'string';
export type StockAction =
  | 'init'
  | 'set'
  | 'add'
  | 'decrease'
  | 'bulk'
  | 'reserve'
  | 'confirm'
  | 'release'
  | 'expire';
export type ReservationStatus = 'RESERVED' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED' | 'FAILED' | 'NONE';
export type ReleaseReason = 'CANCELLED' | 'MANUAL';

/** Who asked and why; every command carries it into its journal entry. */
export interface CommandContext {
  /** Inbound event id or HTTP idempotency key that caused the command. */
  causationId: string;
  correlationId: string;
  /** Who asked, e.g. `kafka:order.placed` or `admin:<sub>`. */
  actor: string;
  /** Id of the outcome event; a new id when absent. A replay keeps the first call's id. */
  eventId?: string;
}

export interface OrderItem {
  skuId: string;
  quantity: number;
}

export interface SkuState {
  skuId: string;
  total: number;
  reserved: number;
  available: number;
  version: number;
  /** Epoch ms of the last change. */
  updatedAt: number;
}

export interface InitInput extends CommandContext {
  skuId: string;
  /** 0…10^12. */
  initialQuantity: number;
  reason?: string;
}

interface AdminInput extends CommandContext {
  skuId: string;
  /** A retry with the same key returns the first outcome. Callers namespace it (e.g. by actor). */
  idempotencyKey?: string;
  reason?: string;
}

export interface SetInput extends AdminInput {
  /** Absolute total, 0…10^12 (above: TOTAL_LIMIT). */
  total: number;
  /** Apply only at this version (0 = the SKU must not exist yet). */
  expectedVersion?: number;
}

export interface AdjustInput extends AdminInput {
  /** 1…1,000,000,000. */
  quantity: number;
}

/** One line of a bulk adjustment: an absolute total (0…10^12) or a non-zero delta (|delta| ≤ 10^9). */
export type BulkItem = { skuId: string; total: number } | { skuId: string; delta: number };

export interface BulkAdjustInput extends CommandContext {
  /** 1…1000 items, each SKU once; applied all together or not at all. */
  items: BulkItem[];
  /** A retry with the same key (and the same items) returns the first outcome. */
  idempotencyKey?: string;
  reason?: string;
}

export interface OrderInput extends CommandContext {
  /** Decimal (or free-text) id as a string: never a JS number, so ids above 2^53 stay exact. */
  orderId: string;
  orderIdType: OrderIdType;
}

export interface ReserveInput extends OrderInput {
  /** Duplicated SKUs are merged (quantities add). */
  items: OrderItem[];
  /** Overrides the runner's reservation TTL. */
  ttlSeconds?: number;
}

export type ConfirmInput = OrderInput;

export interface ReleaseInput extends OrderInput {
  reason: ReleaseReason;
}

export interface ExpireOptions {
  actor?: string;
  /** Defaults to one new id per sweep. */
  causationId?: string;
}

/** One SKU's change in a journal entry: the deltas and the state after the change. */
export interface JournalSku {
  skuId: string;
  dTotal: number;
  dReserved: number;
  total: number;
  reserved: number;
  version: number;
}

export interface FailedItem {
  skuId: string;
  /** The quantity (reserve), or the bulk item's total or signed delta. */
  requested: number;
  /** `null` for an unknown SKU. */
  available: number | null;
  /** Bulk only: why this item failed, and the SKU's unchanged counters (`null` when unknown). */
  code?: StockCode;
  total?: number | null;
  reserved?: number | null;
}

/** A parsed journal entry (field `e` of the journal stream); absent arrays are empty. */
export interface JournalEntry {
  v: 1;
  action: StockAction;
  code: StockCode;
  at: number;
  eventId: string;
  causationId: string;
  correlationId: string;
  actor: string;
  orderId?: string;
  orderIdType?: OrderIdType;
  skuId?: string;
  reason?: string;
  idempotencyKey?: string;
  /** Bulk only: digest of the items, so a reused idempotency key with other items is told apart. */
  digest?: string;
  expiresAt?: number;
  skus: JournalSku[];
  items: OrderItem[];
  failedItems: FailedItem[];
}

export interface FieldError {
  field: string;
  value: unknown;
  reason: string;
}

/** Rejected by the runner before Redis: nothing was written or journaled. */
export interface InputRejected {
  ok: false;
  reason: 'INVALID_ORDER' | 'INVALID_QUANTITY' | 'INVALID_SKU_ID' | 'INVALID_BULK';
  replayed: false;
  journaled: false;
  entry: null;
  errors: FieldError[];
}

/**
 * An admin write replayed under an idempotency key that was first used for another action or SKU
 * (or, for bulk, other items).
 */
export type IdempotencyReuse = 'IDEMPOTENCY_KEY_REUSED';

/**
 * What a script answered. `entry` is the outcome document: the journal entry when `journaled`,
 * and on a replay the first call's entry (with its code and eventId).
 */
export type StockResult<R extends StockFailureReason | IdempotencyReuse> =
  | { ok: true; replayed: boolean; journaled: boolean; code: StockCode.OK; entry: JournalEntry }
  | { ok: false; reason: R; replayed: boolean; journaled: boolean; code: StockCode; entry: JournalEntry }
  | InputRejected;

export type InitOutcome = StockResult<'EXISTS'>;
export type SetOutcome = StockResult<
  'VERSION_CONFLICT' | 'TOTAL_LIMIT' | 'BELOW_RESERVED' | IdempotencyReuse
>;
export type AddOutcome = StockResult<'TOTAL_LIMIT' | IdempotencyReuse>;
export type DecreaseOutcome = StockResult<'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | IdempotencyReuse>;
export type BulkAdjustOutcome = StockResult<
  'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'BELOW_RESERVED' | 'TOTAL_LIMIT' | IdempotencyReuse
>;
export type ReserveOutcome = StockResult<'INSUFFICIENT_STOCK' | 'SKU_NOT_FOUND' | 'INVALID_ORDER'>;
export type ConfirmOutcome = StockResult<
  'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED'
>;
export type ReleaseOutcome = StockResult<
  'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED' | 'ALREADY_CONFIRMED'
>;
export type ExpireOutcome = StockResult<
  'NOT_DUE' | 'RESERVATION_NOT_FOUND' | 'RESERVATION_EXPIRED' | 'RESERVATION_RELEASED' | 'ALREADY_CONFIRMED'
>;

export interface ExpireSweep {
  /** Due orders read from the deadline set (at most the batch size). */
  due: number;
  /** How many of them this sweep expired. */
  expired: number;
  outcomes: ExpireOutcome[];
}

export interface Reservation {
  orderId: string;
  orderIdType: OrderIdType | null;
  status: ReservationStatus;
  items: OrderItem[];
  /** Deadline (epoch ms) of a reservation that was RESERVED; null otherwise. */
  expiresAt: number | null;
  correlationId: string | null;
}
