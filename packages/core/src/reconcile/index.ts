/** Public API of reconcile: compare Redis with MariaDB and repair drift from MariaDB. */

export type { StockLocationRecord } from './location.compare.js';
export { reconcile } from './reconcile.js';
export type {
  DriftItem,
  DriftKind,
  DriftOutcome,
  LedgerDrift,
  LocationDiff,
  LocationFigures,
  ReconcileHooks,
  ReconcileOptions,
  ReconcileReport,
  ReconcileSkipReason,
  ReservationDrift,
  ReservationDriftKind,
  ReservationField,
  ReservationView,
  SkuCounters,
  SkuDrift,
  SkuDriftKind,
} from './reconcile.types.js';
export { RECONCILE_ACTION, RECONCILE_ACTOR, RECONCILE_REASON, reconcileJournalId } from './sku.repair.js';
