/**
 * Relay drain throughput per shard count (issue 15). Not a test:
 *   node --conditions=source --import tsx bench/relay/drain.bench.ts
 *
 * Fills the journals with BENCH_ENTRIES reserve entries (one-item orders over 2,000 SKUs, spread
 * over the shards by the layout), then drains them into MariaDB with one drainer per shard, as N
 * relays (or one relay holding N shards) do: journal → ledger, snapshot, reservation and outbox
 * rows, one transaction per batch of RELAY_BATCH_SIZE (500) per shard. Publishing to Kafka is not
 * part of it (each shard's publisher sends what its drainer stored). Baseline, measured in the
 * same run: one shard on one Redis, the unsharded relay. Also reported per CPU-second of this
 * process + MariaDB + Redis, since two cores cap any wall-clock scaling.
 * Env: REDIS_URL, REDIS_CLUSTER_NODES, DATABASE_URL, BENCH_ENTRIES (20000), BENCH_SHARDS (1,2,4).
 * Uses its own database and key prefix, and removes both at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createJournalDrainer } from '../../apps/relay/src/journal/journal.drainer.js';
import {
  createKnex,
  createLogger,
  createStockRunner,
  ensureDatabase,
  type Knex,
  loadConfig,
  type RedisClient,
  runMigrations,
} from '../../packages/core/src/index.js';
import { deleteByPrefix, markRestored } from '../../packages/core/src/stock/stock.testing.js';
import { testServices } from '../../test/support/services.js';
import { type RedisTarget, redisCpuSeconds, redisTargets } from '../support/redis-targets.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES || 20_000);
const SHARDS = (process.env.BENCH_SHARDS || '1,2,4').split(',').map(Number);
const SKUS = Array.from({ length: 2_000 }, (_, i) => `D${i}`);
const BATCH = 500;
const who = { causationId: 'bench', correlationId: 'bench', actor: 'bench' };
const logger = createLogger({ name: 'bench', level: 'warn', pretty: false });
const outbound = { source: 'bench', topics: loadConfig({}).kafka.topics };

const targets = redisTargets();

/** CPU seconds used so far by MariaDB's server process (from /proc). */
function mariadbCpuSeconds(): number {
  const pid = execFileSync('pgrep', ['-o', '-x', 'mariadbd']).toString().trim();
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

/** Journals filled with ENTRIES reserve entries; the drainers then run on their own. */
async function fill(redis: RedisClient, prefix: string, shards: number) {
  const settings = { reservationTtlSeconds: 3600, finishedTtlSeconds: 3600, idempotencyTtlSeconds: 3600 };
  const runner = createStockRunner({ redis, keyPrefix: prefix, shards, ...settings });
  await markRestored(redis, runner);
  for (const part of chunks(SKUS, 1000)) {
    const batch = runner.batch();
    for (const skuId of part) void batch.init({ ...who, skuId, initialQuantity: 1e9 });
    await batch.exec();
  }
  for (let from = 0; from < ENTRIES; from += BATCH) {
    const batch = runner.batch();
    for (let i = from; i < Math.min(ENTRIES, from + BATCH); i += 1)
      void batch.reserve({
        ...who,
        orderId: `o-${i}`,
        orderIdType: 'string',
        items: [{ skuId: SKUS[(i * 7) % SKUS.length] as string, quantity: 1 }],
      });
    await batch.exec();
  }
  return runner;
}

const chunks = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

interface Sample {
  entriesPerSecond: number;
  entriesPerCpuSecond: number;
}

async function run(target: RedisTarget, knex: Knex, shards: number): Promise<Sample> {
  const prefix = `bench-drain-${process.pid}-${shards}:`;
  const redis = target.connect();
  try {
    const runner = await fill(redis, prefix, shards);
    const journals = Array.from({ length: shards }, (_, s) => runner.layout.keys(s).journal);
    const filled = (await Promise.all(journals.map((key) => redis.xlen(key)))).reduce((a, b) => a + b, 0);
    const blocking = journals.map(() => target.connect());
    const drainers = journals.map((journalKey, shard) =>
      createJournalDrainer({
        redis: blocking[shard] as RedisClient,
        knex,
        journalKey,
        source: { shard, qualified: shards > 1 },
        outbound,
        logger,
        batchSize: BATCH,
      }),
    );
    const cpuBefore = process.cpuUsage();
    const [dbBefore, redisBefore] = [mariadbCpuSeconds(), await redisCpuSeconds(target.servers)];
    const started = performance.now();
    // A drainer's first read looks at its pending entries (none here), then at new ones.
    const drainAll = async (d: (typeof drainers)[number]) => {
      await d.drainOnce(0);
      while ((await d.drainOnce(0)).entries > 0);
    };
    await Promise.all(drainers.map(drainAll));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds =
      (cpu.user + cpu.system) / 1e6 +
      (mariadbCpuSeconds() - dbBefore) +
      ((await redisCpuSeconds(target.servers)) - redisBefore);
    await Promise.all(drainers.map((d) => d.close()));
    await Promise.all(blocking.map((c) => c.quit()));
    const stored = await knex('inventory_ledger')
      .where('journal_id', 'like', shards > 1 ? 's%' : '%')
      .count({ n: '*' });
    if (filled !== ENTRIES + SKUS.length || Number(stored[0]?.n) < ENTRIES)
      throw new Error(`filled ${filled}, stored ${stored[0]?.n}: the drain lost entries`);
    return { entriesPerSecond: filled / seconds, entriesPerCpuSecond: filled / cpuSeconds };
  } finally {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
    for (const table of [
      'inventory_ledger',
      'inventory_snapshot',
      'inventory_reservation',
      'inventory_outbox',
      'inventory_event_idempotency',
    ])
      await knex(table).truncate();
  }
}

const dbUrl = new URL(testServices.databaseUrl);
dbUrl.pathname = `/inventory_bench_drain_${process.pid}`;
const database = loadConfig({ DATABASE_URL: dbUrl.toString() }).database;
await ensureDatabase(database);
const knex = createKnex(database);
await runMigrations(knex, 'latest');
const rows: string[] = [];
let baseline: Sample | undefined;
try {
  for (const target of targets) {
    for (const shards of SHARDS) {
      console.log(`measuring: ${target.name}, ${shards} shard(s)`);
      const sample = await run(target, knex, shards);
      baseline ??= sample;
      rows.push(
        `| ${target.name} | ${shards} | ${Math.round(sample.entriesPerSecond).toLocaleString('en')} | ${(sample.entriesPerSecond / baseline.entriesPerSecond).toFixed(2)}× | ${Math.round(sample.entriesPerCpuSecond).toLocaleString('en')} | ${(sample.entriesPerCpuSecond / baseline.entriesPerCpuSecond).toFixed(2)}× |`,
      );
    }
  }
} finally {
  await knex.raw(`DROP DATABASE IF EXISTS \`${database.database}\``);
  await knex.destroy();
  for (const target of targets) await Promise.all(target.servers.map((s) => s.quit()));
}
console.log(
  `\nrelay drain throughput — ${cpus().length} cores, Node ${process.version}; ${ENTRIES} reserve entries (+ ${SKUS.length} SKU creations) per row`,
);
console.log('one drainer per shard, batches of 500; ratios against the first row (one shard, one Redis)\n');
console.log(
  '| store | shards | entries/s | vs one shard | entries per CPU-second (Node + MariaDB + Redis) | vs one shard |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
