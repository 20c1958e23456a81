import { randomUUID } from 'node:crypto';
import { compareAndSetSku, type RawSkuFields } from './reconcile.script.js';
import type { DriftOutcome, ReconcileContext, SkuCounters, SkuDrift } from './reconcile.types.js';
import { repairedVersion } from './sku.compare.js';

/** Ledger `action` of a repair row; the ledger-sum check leaves these rows out. */
export const RECONCILE_ACTION = 'reconcile';
export const RECONCILE_REASON = 'RECONCILE';
export const RECONCILE_ACTOR = 'reconcile';

/**
 * `reconcile:<uuid>` within the ledger's varchar(40): the UUID's 16 bytes in base64url (22
 * characters) instead of its 36-character text, so the id still carries a whole UUID.
 */
export function reconcileJournalId(uuid: string = randomUUID()): string {
  return `reconcile:${Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url')}`;
}

/** The columns every repair's ledger row shares: action, reason, who and when (a repair belongs to no order). */
export function repairLedgerColumns(ctx: ReconcileContext, now: number) {
  return {
    action: RECONCILE_ACTION,
    reason: RECONCILE_REASON,
    order_id: null,
    causation_id: ctx.runId,
    correlation_id: ctx.runId,
    actor: RECONCILE_ACTOR,
    created_at: new Date(now),
  };
}

/**
 * Sets the live SKU hash to MariaDB's counters, only if Redis still holds `expected` (what the
 * settled observation read), then records the repair. Redis first: if the hash moved on, nothing
 * is written anywhere and the item is a conflict.
 */
export async function repairSku(
  ctx: ReconcileContext,
  item: SkuDrift,
  expected: RawSkuFields,
): Promise<DriftOutcome> {
  const mariadb = item.mariadb;
  if (mariadb === null) return 'unrepairable';
  const version = repairedVersion(item.redis, mariadb);
  await ctx.hooks.beforeRepair?.(item);
  const now = ctx.now();
  const written = await compareAndSetSku(ctx.redis, {
    key: ctx.keys.stock(item.skuId),
    now,
    expected,
    total: mariadb.total,
    reserved: mariadb.reserved,
    version,
  });
  if (!written) return 'conflict';
  // Should this fail, Redis already holds MariaDB's counters at a newer version: the next run finds
  // only that version difference and repairs it again, this time with its ledger row.
  await recordSkuRepair(ctx, item.skuId, item.redis, mariadb, version, now);
  item.version = version;
  return 'repaired';
}

async function recordSkuRepair(
  ctx: ReconcileContext,
  skuId: string,
  redis: SkuCounters | null,
  mariadb: SkuCounters,
  version: number,
  now: number,
): Promise<void> {
  const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : 0);
  await ctx.knex.transaction(async (trx) => {
    // GREATEST: a write right after the repair may already be drained with a higher version.
    await trx('inventory_snapshot')
      .where('sku_id', skuId)
      .update({ version: trx.raw('GREATEST(version, ?)', [version]) });
    await trx('inventory_ledger').insert({
      journal_id: reconcileJournalId(),
      sku_id: skuId,
      // What the repair changed in the live store; MariaDB's own counters stay as they were.
      delta_total: mariadb.total - finite(redis?.total),
      delta_reserved: mariadb.reserved - finite(redis?.reserved),
      total_after: mariadb.total,
      reserved_after: mariadb.reserved,
      version,
      ...repairLedgerColumns(ctx, now),
    });
  });
}
