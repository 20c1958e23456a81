import type { Knex } from 'knex';
import type { Logger } from '../logging/logger.js';
import type { RedisClient } from '../redis/redis.groups.js';
import type { RestorableReservation } from '../restore/restore.orders.js';
import type { StockKeys } from '../stock/stock.keys.js';
import type { ShardLayout } from '../stock/stock.shards.js';
import type { LocationDiff } from './location.compare.js';

export type { LocationDiff, LocationFigures } from './location.compare.js';

/** A SKU's counters as one store holds them. */
export interface SkuCounters {
  total: number;
  reserved: number;
  version: number;
}

export type SkuDriftKind = 'sku-mismatch' | 'sku-missing-in-redis' | 'sku-missing-in-mariadb';
export type ReservationDriftKind =
  | 'reservation-mismatch'
  | 'reservation-missing-in-redis'
  | 'reservation-missing-in-mariadb';
/** `ledger-mismatch`: MariaDB disagrees with itself (the SKU's ledger sum is not its snapshot). */
export type DriftKind = SkuDriftKind | 'ledger-mismatch' | ReservationDriftKind;

/**
 * What became of a drift item:
 * - `reported`: no repair was asked;
 * - `repaired`: Redis now holds MariaDB's state;
 * - `conflict`: the live store changed between the check and the repair, so it was left alone;
 * - `unrepairable`: nothing trustworthy to repair from (no MariaDB record, or a ledger mismatch);
 * - `unverified`: the journal never stayed drained long enough to confirm the difference.
 */
export type DriftOutcome = 'reported' | 'repaired' | 'conflict' | 'unrepairable' | 'unverified';

/**
 * A SKU on which the stores disagree. Stock per location (docs/locations.md) is part of the SKU:
 * a `sku-mismatch` may have equal counters and differ only in `locations` or `safety`.
 */
export interface SkuDrift {
  kind: SkuDriftKind;
  skuId: string;
  redis: SkuCounters | null;
  mariadb: SkuCounters | null;
  outcome: DriftOutcome;
  /** The locations whose figures differ (only when MariaDB has the SKU). */
  locations?: LocationDiff[];
  /** The SKU's safety stock sum, when the hash's `safety` field differs from MariaDB's rows. */
  safety?: { redis: number; mariadb: number };
  /** The version both stores hold after a repair. */
  version?: number;
  note?: string;
}

export interface LedgerDrift {
  kind: 'ledger-mismatch';
  skuId: string;
  snapshot: { total: number; reserved: number };
  /** Sums of the ledger's deltas, reconcile rows left out (they record changes to Redis only). */
  ledger: { total: number; reserved: number };
  outcome: DriftOutcome;
  note?: string;
}

/** An order's reservation as compared: items are canonical JSON (pairs sorted by SKU). */
export interface ReservationView {
  status: string;
  items: string;
  /** The deadline while RESERVED (Redis: the deadlines member's score), else null. */
  deadline: number | null;
}

export type ReservationField = keyof ReservationView;

export interface ReservationDrift {
  kind: ReservationDriftKind;
  orderId: string;
  fields: ReservationField[];
  redis: ReservationView | null;
  mariadb: ReservationView | null;
  outcome: DriftOutcome;
  note?: string;
}

export type DriftItem = SkuDrift | LedgerDrift | ReservationDrift;

export interface ReconcileHooks {
  /**
   * Runs after a drift item was confirmed and just before its repair checks and writes Redis: the
   * seam where tests land a concurrent change, to prove the repair does not overwrite it.
   */
  beforeRepair?(item: SkuDrift | ReservationDrift): Promise<void> | void;
}

export interface ReconcileOptions {
  /** A client without ioredis' `keyPrefix`; reconcile opens one more connection for WATCH. */
  redis: RedisClient;
  knex: Knex;
  /** The keys of the shard compared (`layout.keys(shard)`). */
  keys: StockKeys;
  /** With several shards: the layout and which shard to compare (its SKUs and order records). */
  layout?: ShardLayout;
  shard?: number;
  logger: Logger;
  /** Fix drift from MariaDB (the durable record); false only reports. */
  repair: boolean;
  /** Epoch ms for the repaired hashes' updatedAt and the ledger rows. */
  now?: () => number;
  /** Rows per MariaDB page and keys per SCAN step (default 1,000). */
  pageSize?: number;
  /** TTL of a finished reservation record written by a repair (default 7 days, as the service). */
  finishedTtlSeconds?: number;
  /** Names the run in logs and in the ledger's causation_id (default: a new UUID). */
  runId?: string;
  hooks?: ReconcileHooks;
}

export type ReconcileSkipReason = 'journal not drained' | 'Redis not restored';

export interface ReconcileReport {
  runId: string;
  repair: boolean;
  /** SKUs in MariaDB's snapshot plus those found only in Redis. */
  skusChecked: number;
  /** Open reservations: RESERVED in MariaDB, plus those RESERVED only in Redis. */
  reservationsChecked: number;
  drift: DriftItem[];
  /** Drift items per kind (the metric). */
  counts: Partial<Record<DriftKind, number>>;
  repaired: number;
  /** Drift items not repaired (every item when repair was not asked). */
  remaining: number;
  ms: number;
  /** Set when nothing was compared: the stores cannot be expected to agree right now. */
  skipped?: ReconcileSkipReason;
}

/** What the passes share during one run. */
export interface ReconcileContext {
  redis: RedisClient;
  knex: Knex;
  keys: StockKeys;
  /** True for the SKUs of the shard compared (every SKU without a layout). */
  ownsSku(skuId: string): boolean;
  /** Narrows a query on `sku_id` to the SKUs of the shard compared (restore.shard.ts). */
  onlyShardSkus(query: Knex.QueryBuilder): void;
  /**
   * The record this shard holds of an order (restore.orders.ts): its fields as a restore writes
   * them, or null when the order's record lives on another shard.
   */
  recordFields(row: RestorableReservation): Record<string, string> | null;
  repair: boolean;
  now: () => number;
  pageSize: number;
  finishedTtlSeconds: number;
  runId: string;
  hooks: ReconcileHooks;
  /** Adds a drift item to the report and logs it. */
  record(item: DriftItem): void;
  /** A connection of its own for WATCH/MULTI (WATCH is per connection), opened on first use. */
  watchClient(): RedisClient;
}
