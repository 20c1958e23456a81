import type { ExpireOutcome } from './commands/expire.command.js';
import type { StockCode, StockFailureReason } from './stock.codes.js';

/** The JSON type an orderId arrived in; it is echoed back in the same type. */
export type OrderIdType = 'number' | 'string';
export type StockAction =
  | 'init'
  | 'set'
  | 'add'
  | 'decrease'
  | 'bulk'
  | 'transfer'
  | 'reserve'
  | 'confirm'
  | 'release'
  | 'expire'
  | 'extend';
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
  /** Reserve: the one location to take it from; absent: sourced by priority (docs/locations.md). */
  locationId?: string;
  /** What a reservation holds: which location holds how much; absent: all at `default`. */
  allocations?: LocationQuantity[];
}

export interface LocationQuantity {
  locationId: string;
  quantity: number;
}

/** The location a command names when it names none (docs/locations.md). */
export const DEFAULT_LOCATION = 'default';

/** One location's change in a journal entry's SKU record, and its state after. */
export interface JournalLocation {
  locationId: string;
  dTotal: number;
  dReserved: number;
  total: number;
  reserved: number;
  safetyStock: number;
  backorderLimit: number;
  /** How much this entry changed the location's safety stock (absent: 0). */
  dSafetyStock?: number;
}

/** A partial reservation's item that got less than it asked for. */
export interface ShortItem {
  skuId: string;
  requested: number;
  reserved: number;
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

/** One SKU's change in a journal entry: the deltas and the state after the change. */
export interface JournalSku {
  skuId: string;
  dTotal: number;
  dReserved: number;
  total: number;
  reserved: number;
  version: number;
  /** The SKU's safety stock over its locations, when not 0: available = total − reserved − safety. */
  safety?: number;
  /** How much this entry changed `safety` (absent: 0). */
  dSafety?: number;
  /** Per location, when a location other than `default` (or a setting) changed; absent: all at default. */
  locations?: JournalLocation[];
}

export interface FailedItem {
  skuId: string;
  /** The quantity (reserve), or the bulk item's total or signed delta. */
  requested: number;
  /** `null` for an unknown SKU. */
  available: number | null;
  /** Reserve: the location the item named. */
  locationId?: string;
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
  /**
   * Cross-shard orders (docs/sharding.md): a part's stock movements (`part`), or the opening of
   * a coordinator (`stage` begin). Neither is the order's outcome: only the coordinator's
   * decisions are.
   */
  part?: true;
  stage?: 'begin';
  expiresAt?: number;
  /** extend: the deadline it replaced. */
  previousExpiresAt?: number;
  /** Admin writes naming a location; transfers: the two sides and the quantity. */
  locationId?: string;
  fromLocationId?: string;
  toLocationId?: string;
  quantity?: number;
  skus: JournalSku[];
  items: OrderItem[];
  failedItems: FailedItem[];
  /** A partial reserve: the items that got less than they asked for (absent when none). */
  shortItems?: ShortItem[];
}

export interface FieldError {
  field: string;
  value: unknown;
  reason: string;
}

/** Rejected by the runner before Redis: nothing was written or journaled. */
export interface InputRejected {
  ok: false;
  reason: 'INVALID_ORDER' | 'INVALID_QUANTITY' | 'INVALID_SKU_ID' | 'INVALID_BULK' | 'INVALID_LOCATION';
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

export interface ExpireOptions {
  actor?: string;
  /** The shards to sweep (a relay sweeps the shards it owns); all of them when absent. */
  shards?: readonly number[];
  /** Defaults to one new id per sweep. */
  causationId?: string;
}

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
