import type { SeenRecord, TestStack } from '../support/pipeline.js';
import { distinctOutcomes, type Workload } from './fault.support.js';
import type { Adjustment } from './http-admin.js';

/** Checks every invariant of docs/architecture.md once the system is quiet; returns violations. */
export async function checkInvariants(
  stack: TestStack,
  workload: Workload,
  sent: Set<string>,
  adjustments: Adjustment[] = [],
): Promise<string[]> {
  const violations: string[] = [];
  const states = await stack.runner.getMany(workload.skus);
  const outcomes = distinctOutcomes(stack);
  const byOrder = groupBy(outcomes, (r) => r.key ?? '');
  const confirmedQty = new Map<string, number>();
  for (const o of workload.orders) {
    const types = (byOrder.get(String(o.id)) ?? []).map((r) => r.event?.type);
    if (!types.some((t) => t === 'stock.reserved' || t === 'stock.reservation.failed')) {
      violations.push(`order ${o.id}: no reserve outcome (acknowledged event lost)`);
    }
    if (types.includes('stock.confirmed'))
      for (const item of o.items)
        confirmedQty.set(item.skuId, (confirmedQty.get(item.skuId) ?? 0) + item.quantity);
  }
  violations.push(...(await checkPublishOrder(stack)));
  for (const [i, s] of states.entries()) {
    const sku = workload.skus[i] as string;
    if (!s) {
      violations.push(`${sku}: missing in Redis`);
      continue;
    }
    if (s.available < 0 || s.reserved > s.total || s.reserved < 0)
      violations.push(`${sku}: oversold ${JSON.stringify(s)}`);
    const adjusted = adjustments
      .filter((a) => a.sku === sku && a.status === 'applied')
      .reduce((sum, a) => sum + a.delta, 0);
    const expectedTotal = workload.initial + adjusted - (confirmedQty.get(sku) ?? 0);
    if (s.total !== expectedTotal)
      violations.push(`${sku}: total ${s.total}, expected ${expectedTotal} (conservation)`);
  }
  violations.push(...(await checkReservedSums(stack, workload)));
  violations.push(...(await describeOutcomes(stack, checkOneOutcomePerEvent(outcomes, sent), outcomes)));
  violations.push(...(await checkOneEffectPerAction(stack)));
  violations.push(...(await checkAdjustments(stack, adjustments)));
  return violations;
}

/**
 * Every acknowledged (2xx) admin adjustment moved the stock exactly once, whatever the retries;
 * a refused one (409) moved nothing. The ledger names the Idempotency-Key as causation id.
 */
async function checkAdjustments(stack: TestStack, adjustments: Adjustment[]): Promise<string[]> {
  const rows: { causation_id: string; delta_total: number }[] = await stack
    .knex('inventory_ledger')
    .select('causation_id', 'delta_total')
    .whereIn('action', ['add', 'decrease'])
    .whereNot('delta_total', 0);
  const moves = groupBy(rows, (r) => r.causation_id);
  return adjustments.flatMap((a) => {
    const found = moves.get(a.key) ?? [];
    const expected = a.status === 'applied' ? 1 : 0;
    if (found.length !== expected)
      return [`adjustment ${a.key} (${a.status}): ${found.length} ledger movements`];
    if (expected === 1 && Number(found[0]?.delta_total) !== a.delta)
      return [`adjustment ${a.key}: ledger delta ${found[0]?.delta_total}, sent ${a.delta}`];
    return [];
  });
}

/** reserved = the sum of RESERVED reservations, per SKU (from Redis's own records). */
async function checkReservedSums(stack: TestStack, workload: Workload): Promise<string[]> {
  const sums = new Map<string, number>();
  for (const o of workload.orders) {
    const r = await stack.runner.getReservation(String(o.id));
    if (r?.status === 'RESERVED')
      for (const i of r.items) sums.set(i.skuId, (sums.get(i.skuId) ?? 0) + i.quantity);
  }
  const states = await stack.runner.getMany(workload.skus);
  const violations: string[] = [];
  for (const [i, s] of states.entries()) {
    const sku = workload.skus[i] as string;
    if (s && s.reserved !== (sums.get(sku) ?? 0))
      violations.push(
        `${sku}: reserved ${s.reserved} ≠ open reservations ${sums.get(sku) ?? 0} [${await holders(stack, sku)}]`,
      );
  }
  return violations;
}

/**
 * Which orders hold units of a SKU by MariaDB's ledger, with their row's status and what every
 * shard of Redis keeps of them: where to look when the counters and the records disagree.
 */
async function holders(stack: TestStack, sku: string): Promise<string> {
  const rows: { order_id: string; held: number }[] = await stack
    .knex('inventory_ledger')
    .select('order_id')
    .sum({ held: 'delta_reserved' })
    .where('sku_id', sku)
    .whereNotNull('order_id')
    .groupBy('order_id')
    .havingRaw('SUM(delta_reserved) <> 0');
  const { layout } = stack.runner;
  const described: string[] = [];
  for (const row of rows) {
    const status = (await stack.knex('inventory_reservation').first('status').where('order_id', row.order_id))
      ?.status;
    const redis: string[] = [];
    for (let shard = 0; shard < layout.count; shard += 1) {
      const keys = layout.keys(shard);
      const [record, part] = [
        await stack.redis.hgetall(keys.reservation(row.order_id)),
        await stack.redis.hgetall(keys.part(row.order_id)),
      ];
      const deadline = await stack.redis.zscore(keys.deadlines, row.order_id);
      if (record.status)
        redis.push(
          `s${shard} ${record.kind ?? 'record'} ${record.status}${deadline ? ` due ${deadline}` : ''}`,
        );
      if (part.status) redis.push(`s${shard} part ${part.status}`);
    }
    described.push(
      `order ${row.order_id} holds ${row.held} (row ${status}; ${redis.join(', ') || 'nothing in Redis'})`,
    );
  }
  return described.join('; ') || 'no order holds it in the ledger';
}

/** Every processed inbound event has exactly one outcome id (expiry releases have no inbound event). */
function checkOneOutcomePerEvent(outcomes: SeenRecord[], sent: Set<string>): string[] {
  const perCause = groupBy(
    outcomes.filter((r) => !(r.event?.type === 'stock.released' && r.event.data.reason === 'EXPIRED')),
    (r) => String(r.event?.data.causationId),
  );
  const violations: string[] = [];
  for (const [cause, records] of perCause) {
    if (!sent.has(cause)) violations.push(`outcome caused by unknown event ${cause}`);
    if (records.length > 1)
      violations.push(
        `event ${cause}: ${records.length} outcomes (${records.map((r) => r.event?.type).join(', ')})`,
      );
  }
  return violations;
}

/** Adds, to each event with several outcomes, where each outcome came from (journal entry, reason). */
async function describeOutcomes(
  stack: TestStack,
  violations: string[],
  outcomes: SeenRecord[],
): Promise<string[]> {
  const rows: { event_id: string; journal_id: string }[] = await stack
    .knex('inventory_outbox')
    .select('event_id', 'journal_id');
  const journalOf = new Map(rows.map((r) => [r.event_id, r.journal_id]));
  return violations.map((v) => {
    const cause = /^event (\S+): /.exec(v)?.[1];
    if (!cause) return v;
    const detail = outcomes
      .filter((r) => String(r.event?.data.causationId) === cause)
      .map(
        (r) =>
          `${r.event?.type} ${journalOf.get(String(r.event?.id))} ${JSON.stringify(r.event?.data.reason ?? '')}`,
      );
    return `${v} [${detail.join('; ')}]`;
  });
}

/** The ledger holds at most one row per (order, action, SKU): no command took effect twice. */
async function checkOneEffectPerAction(stack: TestStack): Promise<string[]> {
  const rows = (await stack
    .knex('inventory_ledger')
    .select('order_id', 'action', 'sku_id', 'location_id')
    .count({ n: '*' })
    .whereNotNull('order_id')
    // One row per location an action moved (a split reserve holds at two): one effect each.
    .groupBy('order_id', 'action', 'sku_id', 'location_id')
    .having(stack.knex.raw('COUNT(*) > 1'))) as unknown as { order_id: string; action: string; n: number }[];
  return rows.map((r) => `order ${r.order_id}: ${r.n} ledger rows for ${r.action}`);
}

/**
 * Events of one order go out in the order they happened: the outbox (published in id order,
 * one request in flight) lists an order's reservation before its confirmation or release.
 */
async function checkPublishOrder(stack: TestStack): Promise<string[]> {
  const rows: { message_key: string; payload: string }[] = await stack
    .knex('inventory_outbox')
    .select('message_key', 'payload')
    .orderBy('id');
  const types = groupBy(
    rows.map((r) => ({ key: r.message_key, type: (JSON.parse(r.payload) as { type: string }).type })),
    (r) => r.key,
  );
  const violations: string[] = [];
  for (const [key, list] of types) {
    const order = list.map((r) => r.type);
    const reservedAt = order.indexOf('stock.reserved');
    const laterAt = order.findIndex((t) => t === 'stock.confirmed' || t === 'stock.released');
    if (laterAt >= 0 && (reservedAt < 0 || laterAt < reservedAt))
      violations.push(`order ${key}: out of order: ${order.join(', ')}`);
  }
  return violations;
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
