import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import { isCluster, type RedisClient } from '../redis/redis.groups.js';
import {
  coordinatorFields,
  onlyShardSkus,
  placeOrder,
  reservationFields,
} from '../restore/restore.orders.js';
import type {
  DriftItem,
  ReconcileContext,
  ReconcileOptions,
  ReconcileReport,
  ReconcileSkipReason,
} from './reconcile.types.js';
import { reconcileOpenReservations, reconcileRedisOnlyReservations } from './reservation.reconcile.js';
import { reconcileRedisOnlySkus, reconcileSnapshotSkus } from './sku.reconcile.js';

const DEFAULT_PAGE_SIZE = 1_000;
const DEFAULT_FINISHED_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Why the stores cannot be compared now, if they cannot. Entries still in the journal are changes
 * MariaDB does not have yet; without the restored-data marker Redis is being (or must be) rebuilt
 * by the relay, and repairing it here would race that restore.
 */
async function skipReason(o: ReconcileOptions): Promise<ReconcileSkipReason | null> {
  if ((await o.redis.xlen(o.keys.journal)) > 0) return 'journal not drained';
  if ((await o.redis.exists(o.keys.restored)) === 0) return 'Redis not restored';
  return null;
}

interface Run {
  ctx: ReconcileContext;
  drift: DriftItem[];
  close(): Promise<void>;
}

function startRun(o: ReconcileOptions, log: Logger, runId: string): Run {
  const drift: DriftItem[] = [];
  let watcher: RedisClient | undefined;
  const { layout } = o;
  const shard = o.shard ?? 0;
  const ctx: ReconcileContext = {
    redis: o.redis,
    knex: o.knex,
    keys: o.keys,
    ownsSku: (skuId) => !layout || layout.shardOfSku(skuId) === shard,
    onlyShardSkus: (query) => onlyShardSkus(query, layout, shard),
    recordFields(row) {
      if (!layout) return reservationFields(row);
      const { record } = placeOrder(layout, row, shard);
      if (record === 'coordinator') return coordinatorFields(layout, row, Date.now());
      return record === 'plain' ? reservationFields(row) : null;
    },
    repair: o.repair,
    now: o.now ?? Date.now,
    pageSize: o.pageSize ?? DEFAULT_PAGE_SIZE,
    finishedTtlSeconds: o.finishedTtlSeconds ?? DEFAULT_FINISHED_TTL_SECONDS,
    runId,
    hooks: o.hooks ?? {},
    record(item) {
      drift.push(item);
      log.warn({ drift: item }, 'stock drift');
    },
    watchClient() {
      watcher ??= o.redis.duplicate();
      return watcher;
    },
  };
  return { ctx, drift, close: async () => void (await watcher?.quit()) };
}

function toReport(
  run: Run,
  started: number,
  checked: { skusChecked: number; reservationsChecked: number },
  skipped?: ReconcileSkipReason,
): ReconcileReport {
  const counts: ReconcileReport['counts'] = {};
  for (const item of run.drift) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const repaired = run.drift.filter((item) => item.outcome === 'repaired').length;
  return {
    runId: run.ctx.runId,
    repair: run.ctx.repair,
    ...checked,
    drift: run.drift,
    counts,
    repaired,
    remaining: run.drift.length - repaired,
    ms: Math.round(performance.now() - started),
    ...(skipped ? { skipped } : {}),
  };
}

function logSummary(log: Logger, report: ReconcileReport): void {
  // The drift items have their own lines, and the child logger already carries the runId.
  const { drift: _items, runId: _runId, ...summary } = report;
  if (report.skipped) log.warn(summary, `reconcile skipped: ${report.skipped}`);
  else if (report.remaining > 0) log.warn(summary, 'reconcile finished with drift remaining');
  else log.info(summary, 'reconcile finished');
}

/**
 * Compares the live store (Redis) with the durable record (MariaDB) per SKU (its stock per
 * location included: location.compare.ts) and per open reservation, and with `repair` sets Redis
 * back to MariaDB's state, recording each SKU repair in the ledger (action `reconcile`, reason
 * `RECONCILE`). MariaDB is the truth: it holds every
 * journaled change, so a difference once the journal is drained is a change made behind the
 * service's back (or a lost one). Runs only when the journal is drained; see reconcile.settle.ts
 * for how it stays correct while the service keeps writing.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const clientOptions = isCluster(options.redis) ? options.redis.options.redisOptions : options.redis.options;
  if (clientOptions?.keyPrefix) {
    throw new Error('reconcile: use a Redis client without keyPrefix; the keys carry the prefix');
  }
  const started = performance.now();
  const runId = options.runId ?? randomUUID();
  const log = options.logger.child({ component: 'reconcile', runId });
  const run = startRun(options, log, runId);
  try {
    const skipped = await skipReason(options);
    let report: ReconcileReport;
    if (skipped) report = toReport(run, started, { skusChecked: 0, reservationsChecked: 0 }, skipped);
    else {
      const skusChecked = (await reconcileSnapshotSkus(run.ctx)) + (await reconcileRedisOnlySkus(run.ctx));
      const reservationsChecked =
        (await reconcileOpenReservations(run.ctx)) + (await reconcileRedisOnlyReservations(run.ctx));
      report = toReport(run, started, { skusChecked, reservationsChecked });
    }
    logSummary(log, report);
    return report;
  } finally {
    await run.close();
  }
}
