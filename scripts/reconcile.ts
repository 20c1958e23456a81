// Compares Redis (the live store) with MariaDB (the durable record) per SKU and per open
// reservation, and reports drift; with --repair, sets Redis back to MariaDB's state and records
// each SKU repair in the ledger (action reconcile, reason RECONCILE).
//
//   pnpm reconcile                = tsx scripts/reconcile.ts            (report only)
//   pnpm reconcile -- --repair    = tsx scripts/reconcile.ts --repair
//
// Configuration comes from the environment like the services (REDIS_URL or REDIS_CLUSTER_NODES,
// REDIS_KEY_PREFIX, STOCK_SHARDS, DATABASE_URL, LOG_LEVEL…; see .env.example). With several
// shards each shard is compared on its own, one report per shard. Log lines (one per drift item, one summary) go
// where the services' go; LOG_LEVEL=silent leaves only the report.
//
// Exit codes: 0 no drift (or all of it repaired), 1 drift remains, 2 usage or configuration error,
// 3 nothing could be compared (journal not drained, Redis not restored) or the run failed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../packages/core/src/config/index.js';
import { createKnex } from '../packages/core/src/db/knex.factory.js';
import { createLogger } from '../packages/core/src/logging/logger.js';
import { reconcile } from '../packages/core/src/reconcile/reconcile.js';
import type {
  DriftItem,
  ReconcileReport,
  SkuCounters,
} from '../packages/core/src/reconcile/reconcile.types.js';
import { createRedisClient } from '../packages/core/src/redis/redis.factory.js';
import { isCluster } from '../packages/core/src/redis/redis.groups.js';
import { createShardLayout } from '../packages/core/src/stock/stock.shards.js';

const USAGE = 'usage: pnpm reconcile [-- --repair]   (tsx scripts/reconcile.ts [--repair])';

/** `--` is accepted and ignored: pnpm may pass it through to the script. */
function parseArgs(argv: readonly string[]): { repair: boolean; help: boolean } | null {
  const args = argv.filter((a) => a !== '--');
  const known = new Set(['--repair', '--help', '-h']);
  if (args.some((a) => !known.has(a))) return null;
  return { repair: args.includes('--repair'), help: args.includes('--help') || args.includes('-h') };
}

/** Where the run looked, without credentials. */
function describeTarget(config: Config): string {
  const url = new URL(config.redis.url);
  const redis = config.redis.clusterNodes
    ? `redis cluster ${config.redis.clusterNodes.join(',')}`
    : `redis ${url.hostname}:${url.port || 6379}${url.pathname}`;
  const db = config.database;
  return `${redis} prefix "${config.stock.keyPrefix}", mariadb ${db.user}@${db.host}:${db.port}/${db.database}`;
}

const counters = (c: SkuCounters | null) =>
  c ? `total ${c.total} reserved ${c.reserved} version ${c.version}` : 'absent';

function describeItem(item: DriftItem): string {
  switch (item.kind) {
    case 'ledger-mismatch':
      return `SKU ${JSON.stringify(item.skuId)}: snapshot total ${item.snapshot.total} reserved ${item.snapshot.reserved}, ledger sums total ${item.ledger.total} reserved ${item.ledger.reserved}`;
    case 'sku-mismatch':
    case 'sku-missing-in-redis':
    case 'sku-missing-in-mariadb': {
      const after = item.version === undefined ? '' : ` (now version ${item.version})`;
      return `SKU ${JSON.stringify(item.skuId)}: redis ${counters(item.redis)}; mariadb ${counters(item.mariadb)}${after}`;
    }
    default: {
      const view = (v: typeof item.redis) =>
        v
          ? `${v.status} items ${v.items} deadline ${v.deadline === null ? 'none' : new Date(v.deadline).toISOString()}`
          : 'absent';
      return `order ${JSON.stringify(item.orderId)} (${item.fields.join(', ')} differ): redis ${view(item.redis)}; mariadb ${view(item.mariadb)}`;
    }
  }
}

/** The readable report printed on stdout. */
export function formatReport(report: ReconcileReport, target: string): string {
  const mode = report.repair ? 'repair' : 'report only';
  const lines = [`reconcile ${report.runId} (${mode}) on ${target}`];
  if (report.skipped) {
    lines.push(
      `skipped: ${report.skipped}; nothing was compared. Rerun once the relay is running and caught up.`,
    );
    return lines.join('\n');
  }
  lines.push(
    `checked ${report.skusChecked} SKUs and ${report.reservationsChecked} open reservations in ${report.ms} ms`,
  );
  if (report.drift.length === 0) return [...lines, 'no drift'].join('\n');
  const counts = Object.entries(report.counts).map(([kind, n]) => `${kind} ${n}`);
  lines.push(
    `drift: ${report.drift.length} (${counts.join(', ')}); repaired ${report.repaired}, remaining ${report.remaining}`,
  );
  for (const item of report.drift) {
    lines.push(`  ${item.outcome.padEnd(12)} ${item.kind.padEnd(30)} ${describeItem(item)}`);
    if (item.note) lines.push(`  ${''.padEnd(12)} ${''.padEnd(30)} ${item.note}`);
  }
  return lines.join('\n');
}

function exitCode(report: ReconcileReport): number {
  if (report.skipped) return 3;
  return report.remaining > 0 ? 1 : 0;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Connection errors from the drivers are AggregateErrors with an empty message.
  if (!err.message && err instanceof AggregateError) return err.errors.map(describeError).join('; ');
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

/** Knex warns with a stack trace when it cannot connect; the error is reported once, below. */
const quietKnexLog = {
  warn(message: unknown) {
    const line = String(message).split('\n')[0] ?? '';
    if (!line.startsWith('Acquire connection error')) console.error(`knex: ${line}`);
  },
};

async function run(config: Config, repair: boolean): Promise<number> {
  const redis = createRedisClient({
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    connectionName: 'inventory-reconcile',
  });
  const knex = createKnex(config.database, { log: quietKnexLog });
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty, name: 'reconcile' });
  const layout = createShardLayout({
    prefix: config.stock.keyPrefix,
    count: config.stock.shards,
    cluster: isCluster(redis),
  });
  try {
    let code = 0;
    for (let shard = 0; shard < layout.count; shard += 1) {
      const report = await reconcile({
        redis,
        knex,
        keys: layout.keys(shard),
        ...(layout.count > 1 ? { layout, shard } : {}),
        logger,
        repair,
        finishedTtlSeconds: config.stock.finishedReservationTtlSeconds,
      });
      const where = layout.count > 1 ? ` shard ${shard} of ${layout.count}` : '';
      console.log(formatReport(report, describeTarget(config) + where));
      code = Math.max(code, exitCode(report));
    }
    return code;
  } catch (err) {
    console.error(`reconcile failed on ${describeTarget(config)}: ${describeError(err)}`);
    return 3;
  } finally {
    redis.disconnect();
    await knex.destroy();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === null || args.help) {
    (args === null ? console.error : console.log)(USAGE);
    return args === null ? 2 : 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(describeError(err));
    return 2;
  }
  return run(config, args.repair);
}

// Only when run as a script, so a test can import formatReport without side effects.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
