/**
 * Where an order's time goes, per stage, from timestamps the pipeline already leaves behind:
 *   placed     the inbound record's timestamp (the load generator sends it then)
 *   script     the journal entry's id: a Redis stream id is `<ms>-<seq>`, Redis's clock at XADD,
 *              so the moment the worker's Lua script ran
 *   stored     the outbox row's created_at: when the relay's drainer wrote the batch to MariaDB
 *   published  the outcome record's Kafka timestamp, set by the relay's producer when it sent it
 *   received   when the benchmark's consumer got the outcome (the order service's view)
 * Every process runs on this machine, so the clocks are one clock.
 */
import type { Knex } from '../../packages/core/src/index.js';

export interface OrderTimes {
  placed: number;
  script: number;
  stored: number;
  published: number;
  received: number;
}

export const STAGES = [
  ['consume → script', 'placed', 'script'],
  ['script → stored', 'script', 'stored'],
  ['stored → published', 'stored', 'published'],
  ['placed → published', 'placed', 'published'],
  ['published → received', 'published', 'received'],
] as const;

/** journal id and store time of each outcome row on `topics`, by message key (the order id). */
export async function outboxTimes(
  knex: Knex,
  topics: string[],
): Promise<Map<string, { script: number; stored: number }>> {
  const rows: Array<{ message_key: string; journal_id: string; created_at: Date }> = await knex(
    'inventory_outbox',
  )
    .select('message_key', 'journal_id', 'created_at')
    .whereIn('topic', topics);
  const times = new Map<string, { script: number; stored: number }>();
  for (const r of rows) {
    times.set(r.message_key, { script: Number(r.journal_id.split('-')[0]), stored: r.created_at.getTime() });
  }
  return times;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface StageSummary {
  stage: string;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarise(orders: OrderTimes[]): StageSummary[] {
  return STAGES.map(([stage, from, to]) => {
    const sorted = orders.map((o) => o[to] - o[from]).sort((a, b) => a - b);
    return {
      stage,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  });
}

export function formatStages(rows: StageSummary[]): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const lines = [
    `  ${'stage'.padEnd(22)}${pad('p50', 7)}${pad('p90', 7)}${pad('p99', 7)}${pad('max', 7)}  (ms)`,
  ];
  for (const r of rows)
    lines.push(`  ${r.stage.padEnd(22)}${pad(r.p50, 7)}${pad(r.p90, 7)}${pad(r.p99, 7)}${pad(r.max, 7)}`);
  return lines.join('\n');
}
