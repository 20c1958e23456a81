/**
 * Reserve throughput benchmark (issue 3). Not a test: `npx tsx bench/stock/reserve.bench.ts`.
 * In one run, for each workload of scenarios.ts:
 *   (a) the runner, unpipelined: 50 concurrent callers, one connection each, one order at a time;
 *   (b) the runner, pipelined: batches of PIPE_BATCH orders, PIPE_INFLIGHT batches in flight;
 *   (c) raw `redis-benchmark` EVALSHA of the same lua/reserve.lua, -c 50 with -P 1 and -P 16;
 *   (d) MariaDB: a conditional UPDATE per item + INSERT, one transaction per order, 50 connections.
 * Stock is large (10^9 per SKU) so every reservation succeeds: the success path is measured.
 * Env: REDIS_URL, BENCH_DATABASE_URL (mysql://root@127.0.0.1:3306), BENCH_ORDERS, BENCH_SQL_ORDERS,
 * BENCH_REPEAT, BENCH_PIPE_BATCH, BENCH_PIPE_INFLIGHT, BENCH_SCENARIOS (indices, e.g. 0,2).
 * Uses its own key prefix and database `inventory_bench`, both removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import type { Pool } from 'mariadb';
import {
  createStockRunner,
  type ReserveInput,
  type ReserveOutcome,
  type StockRunner,
} from '../../packages/core/src/stock/index.js';
import { deleteByPrefix } from '../../packages/core/src/stock/stock.testing.js';
import { loadReserveScript, rawEvalsha } from './raw.js';
import { orderSkus, type Scenario, scenarios } from './scenarios.js';
import { createSqlBench, dropSqlBench, runSql } from './sql.js';

const require = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { Redis } = require('ioredis') as typeof import('ioredis');
type RedisClient = InstanceType<typeof Redis>;

const redisUrl = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379/0');
const sqlUrl = new URL(process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306');
const ORDERS = Number(process.env.BENCH_ORDERS || 20_000);
const SQL_ORDERS = Number(process.env.BENCH_SQL_ORDERS || 3_000);
const REPEAT = Number(process.env.BENCH_REPEAT || 3);
const PIPE_BATCH = Number(process.env.BENCH_PIPE_BATCH || 200);
const PIPE_INFLIGHT = Number(process.env.BENCH_PIPE_INFLIGHT || 4);
/** Comma-separated indices of scenarios.ts to run (all by default). */
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map(Number);
const CALLERS = 50;
const who = { causationId: 'bench', correlationId: 'bench', actor: 'bench' };

const clients: RedisClient[] = Array.from({ length: CALLERS }, () => new Redis(redisUrl.toString()));
const admin = clients[0] as RedisClient;
let orderSeq = 1_000_000;

/** One measurement: orders/s, and CPU per order of this Node process and of the Redis server. */
interface Sample {
  rps: number;
  nodeUs: number;
  redisUs: number;
}

async function redisCpuSeconds(): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) =>
    Number(info.match(new RegExp(`^${name}:([0-9.]+)`, 'm'))?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** Times `work`; Redis CPU is the server's (other clients of a shared server count too). */
async function timed(orders: number, work: () => Promise<void> | void): Promise<Sample> {
  const redisBefore = await redisCpuSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisUs = ((await redisCpuSeconds()) - redisBefore) * 1e6;
  return { rps: orders / seconds, nodeUs: (cpu.user + cpu.system) / orders, redisUs: redisUs / orders };
}

function runnersFor(prefix: string): StockRunner[] {
  const options = {
    keyPrefix: prefix,
    reservationTtlSeconds: 900,
    finishedTtlSeconds: 3600,
    idempotencyTtlSeconds: 3600,
  };
  return clients.map((redis) => createStockRunner({ ...options, redis }));
}

function orders(scenario: Scenario, count: number): ReserveInput[] {
  return Array.from({ length: count }, () => {
    orderSeq += 1;
    const items = orderSkus(scenario).map((skuId) => ({ skuId, quantity: 1 }));
    return { ...who, orderId: String(orderSeq), orderIdType: 'number' as const, items };
  });
}

function assertAllReserved(outcomes: ReserveOutcome[], expected: number): void {
  const ok = outcomes.filter((o) => o.ok).length;
  if (ok !== expected)
    throw new Error(`${expected - ok} reservations failed: the benchmark measures the success path`);
}

async function runnerUnpipelined(runners: StockRunner[], inputs: ReserveInput[]): Promise<void> {
  const outcomes: ReserveOutcome[] = [];
  let next = 0;
  await Promise.all(
    runners.map(async (runner) => {
      for (let i = next++; i < inputs.length; i = next++)
        outcomes.push(await runner.reserve(inputs[i] as ReserveInput));
    }),
  );
  assertAllReserved(outcomes, inputs.length);
}

async function runnerPipelined(runners: StockRunner[], inputs: ReserveInput[]): Promise<void> {
  const outcomes: ReserveOutcome[] = [];
  let next = 0;
  await Promise.all(
    runners.slice(0, PIPE_INFLIGHT).map(async (runner) => {
      for (let from = next; from < inputs.length; from = next) {
        next += PIPE_BATCH;
        const batch = runner.batch();
        const queued = inputs.slice(from, from + PIPE_BATCH).map((input) => batch.reserve(input));
        await batch.exec();
        outcomes.push(...(await Promise.all(queued)));
      }
    }),
  );
  assertAllReserved(outcomes, inputs.length);
}

async function seed(runner: StockRunner, skuIds: string[]): Promise<void> {
  for (let i = 0; i < skuIds.length; i += 1000) {
    const batch = runner.batch();
    const done = skuIds
      .slice(i, i + 1000)
      .map((skuId) => batch.init({ ...who, skuId, initialQuantity: 1e9 }));
    await batch.exec();
    await Promise.all(done);
  }
}

/** Drops the reservations, deadlines and journal a run wrote (the SKUs stay). */
async function clearRun(prefix: string): Promise<void> {
  await deleteByPrefix(admin, `${prefix}reservation:`);
  await admin.unlink(`${prefix}deadlines`, `${prefix}journal`);
}

type Mode = 'unpipelined' | 'pipelined' | 'rawP1' | 'rawP16';
const modes: Mode[] = ['unpipelined', 'pipelined', 'rawP1', 'rawP16'];

interface Row {
  scenario: string;
  redis: Record<Mode, Sample>;
  sql: number;
}

const median = (values: Sample[]): Sample =>
  [...values].sort((a, b) => a.rps - b.rps)[Math.floor(values.length / 2)] as Sample;

/**
 * Each Redis figure is the median of REPEAT runs taken in turns (runner, runner pipelined, raw -P1,
 * raw -P16, again…), so a burst of load from other processes on a shared box hits all of them alike.
 */
async function measure(scenario: Scenario, sha: string, pool: Pool): Promise<Row> {
  const prefix = `bench-${randomUUID()}:`;
  const runners = runnersFor(prefix);
  await admin.set(`${prefix}restored`, 'bench'); // as the relay does: the scripts need the marker
  const samples: Record<Mode, Sample[]> = { unpipelined: [], pipelined: [], rawP1: [], rawP16: [] };
  const run: Record<Mode, () => Promise<Sample>> = {
    unpipelined: () => {
      const inputs = orders(scenario, ORDERS);
      return timed(ORDERS, () => runnerUnpipelined(runners, inputs));
    },
    pipelined: () => {
      const inputs = orders(scenario, ORDERS);
      return timed(ORDERS, () => runnerPipelined(runners, inputs));
    },
    rawP1: () =>
      timed(
        ORDERS,
        () =>
          void rawEvalsha(redisUrl, sha, prefix, scenario, { requests: ORDERS, clients: 50, pipeline: 1 }),
      ),
    rawP16: () =>
      timed(
        ORDERS,
        () =>
          void rawEvalsha(redisUrl, sha, prefix, scenario, { requests: ORDERS, clients: 50, pipeline: 16 }),
      ),
  };
  try {
    await seed(runners[0] as StockRunner, scenario.skuIds);
    await runnerUnpipelined(runners, orders(scenario, 2000)); // warm-up: JIT, script cache
    await runnerPipelined(runners, orders(scenario, 2000));
    for (let i = 0; i < REPEAT; i += 1) {
      for (const mode of modes) {
        await clearRun(prefix);
        samples[mode].push(await run[mode]());
      }
    }
    orderSeq += SQL_ORDERS;
    const sql = await runSql(pool, scenario, SQL_ORDERS, 50, orderSeq);
    if (sql.failed > 0) throw new Error(`${sql.failed} SQL reservations failed`);
    const redis = Object.fromEntries(modes.map((m) => [m, median(samples[m])])) as Record<Mode, Sample>;
    return { scenario: scenario.name, redis, sql: sql.rps };
  } finally {
    await deleteByPrefix(admin, prefix);
  }
}

function printTables(rows: Row[]): void {
  const k = (n: number) => Math.round(n).toLocaleString('en-US');
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const us = (s: Sample) => `${s.redisUs.toFixed(0)} / ${s.nodeUs.toFixed(0)}`;
  console.log(`\nreserve throughput, orders/s — ${cpus().length} cores, Node ${process.version};`);
  console.log(`${ORDERS} orders per Redis run (median of ${REPEAT}), ${SQL_ORDERS} orders per SQL run\n`);
  console.log(
    `| workload | runner unpipelined (50 callers) | runner pipelined (${PIPE_INFLIGHT}×${PIPE_BATCH}) | raw EVALSHA -c50 -P1 | raw EVALSHA -c50 -P16 | MariaDB tx (50 conns) | pipelined / raw -P1 | pipelined / SQL | unpipelined / SQL |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { scenario, redis: r, sql } of rows) {
    const cells = [r.unpipelined, r.pipelined, r.rawP1, r.rawP16].map((s) => k(s.rps));
    const ratios = [x(r.pipelined.rps, r.rawP1.rps), x(r.pipelined.rps, sql), x(r.unpipelined.rps, sql)];
    console.log(`| ${scenario} | ${cells.join(' | ')} | ${k(sql)} | ${ratios.join(' | ')} |`);
  }
  console.log(
    '\nCPU µs per order, Redis server / this Node process (raw runs: redis-benchmark is another process)\n',
  );
  console.log('| workload | runner unpipelined | runner pipelined | raw -P1 | raw -P16 |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { scenario, redis: r } of rows) {
    console.log(
      `| ${scenario} | ${us(r.unpipelined)} | ${us(r.pipelined)} | ${r.rawP1.redisUs.toFixed(0)} / – | ${r.rawP16.redisUs.toFixed(0)} / – |`,
    );
  }
}

async function main(): Promise<void> {
  let pool: Pool | undefined;
  try {
    const sha = await loadReserveScript(admin);
    pool = await createSqlBench(sqlUrl, [...new Set(scenarios.flatMap((s) => s.skuIds))], 50);
    const rows: Row[] = [];
    for (const scenario of scenarios.filter((_, i) => !ONLY || ONLY.includes(i))) {
      console.log(`measuring: ${scenario.name}`);
      rows.push(await measure(scenario, sha, pool));
    }
    printTables(rows);
  } finally {
    await dropSqlBench(sqlUrl, pool);
    await Promise.all(clients.map((c) => c.quit()));
  }
}

await main();
