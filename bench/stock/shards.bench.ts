/**
 * Sharded reserve throughput (issue 15). Not a test: `npx tsx bench/stock/shards.bench.ts`.
 * The runner, pipelined (batches of 200 orders, 4 in flight, as bench/stock/reserve.bench.ts),
 * for 1, 2 and 4 shards, on one Redis and on the local 3-master Redis Cluster
 * (`bash scripts/redis-cluster.sh up`), with two workloads over 10,000 SKUs: one item per order
 * (always one shard), and two items (on two shards for most orders once there are several: the
 * coordinator's five scripts instead of one). The baseline is the first row, measured in the same
 * run: one shard on one Redis, which is the unsharded store.
 * Env: REDIS_URL, REDIS_CLUSTER_NODES, BENCH_ORDERS (default 20000), BENCH_SHARDS (default 1,2,4).
 * Every reservation succeeds (10^9 units per SKU); its keys are removed at the end.
 */
import { cpus } from 'node:os';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../packages/core/src/redis/redis.groups.js';
import {
  createStockRunner,
  type ReserveInput,
  type StockRunner,
} from '../../packages/core/src/stock/index.js';
import { deleteByPrefix, markRestored } from '../../packages/core/src/stock/stock.testing.js';
import { type RedisTarget, redisCpuSeconds, redisTargets } from '../support/redis-targets.js';

const ORDERS = Number(process.env.BENCH_ORDERS || 20_000);
const SHARDS = (process.env.BENCH_SHARDS || '1,2,4').split(',').map(Number);
const SKUS = Array.from({ length: 10_000 }, (_, i) => `S${i}`);
const BATCH = 200;
const INFLIGHT = 4;
const who = { causationId: 'bench', correlationId: 'bench', actor: 'bench' };

const targets = redisTargets();

interface Sample {
  rps: number;
  nodeUs: number;
  redisUs: number;
}

async function measure(runners: StockRunner[], inputs: ReserveInput[], servers: Redis[]): Promise<Sample> {
  const redisBefore = await redisCpuSeconds(servers);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  let reserved = 0;
  await Promise.all(
    runners.map(async (runner) => {
      for (let from = next; from < inputs.length; from = next) {
        next += BATCH;
        const batch = runner.batch();
        const queued = inputs.slice(from, from + BATCH).map((input) => batch.reserve(input));
        await batch.exec();
        for (const outcome of await Promise.all(queued)) if (outcome.ok) reserved += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisUs = ((await redisCpuSeconds(servers)) - redisBefore) * 1e6;
  if (reserved !== inputs.length) throw new Error(`${inputs.length - reserved} reservations failed`);
  return {
    rps: inputs.length / seconds,
    nodeUs: (cpu.user + cpu.system) / inputs.length,
    redisUs: redisUs / inputs.length,
  };
}

function orders(prefix: string, items: number): ReserveInput[] {
  return Array.from({ length: ORDERS }, (_, i) => ({
    ...who,
    orderId: `${prefix}${i}`,
    orderIdType: 'string' as const,
    items: Array.from({ length: items }, (_, k) => ({
      skuId: SKUS[(i * 7 + k * 4999) % SKUS.length] as string,
      quantity: 1,
    })),
  }));
}

async function run(target: RedisTarget, shards: number, items: number): Promise<Sample> {
  const prefix = `bench-shards-${process.pid}-${shards}-${items}:`;
  const clients = Array.from({ length: INFLIGHT }, () => target.connect());
  const settings = { reservationTtlSeconds: 3600, finishedTtlSeconds: 3600, idempotencyTtlSeconds: 3600 };
  const runners = clients.map((redis) =>
    createStockRunner({ redis, keyPrefix: prefix, shards, ...settings }),
  );
  const first = runners[0] as StockRunner;
  try {
    await markRestored(clients[0] as RedisClient, first);
    for (let i = 0; i < SKUS.length; i += 1000) {
      const batch = first.batch();
      const done = SKUS.slice(i, i + 1000).map((skuId) =>
        batch.init({ ...who, skuId, initialQuantity: 1e9 }),
      );
      await batch.exec();
      await Promise.all(done);
    }
    await measure(runners, orders('warm-', items).slice(0, 2000), target.servers);
    return await measure(runners, orders('o-', items), target.servers);
  } finally {
    await deleteByPrefix(clients[0] as RedisClient, prefix);
    await Promise.all(clients.map((c) => c.quit()));
  }
}

const rows: string[] = [];
const baseline: Record<number, number> = {};
for (const items of [1, 2]) {
  for (const target of targets) {
    for (const shards of SHARDS) {
      console.log(`measuring: ${target.name}, ${shards} shard(s), ${items} item(s) per order`);
      const sample = await run(target, shards, items);
      baseline[items] ??= sample.rps;
      const ratio = sample.rps / (baseline[items] as number);
      rows.push(
        `| ${items} | ${target.name} | ${shards} | ${Math.round(sample.rps).toLocaleString('en')} | ${ratio.toFixed(2)}× | ${sample.redisUs.toFixed(0)} | ${sample.nodeUs.toFixed(0)} | ${Math.round(1e6 / (sample.redisUs + sample.nodeUs)).toLocaleString('en')} |`,
      );
    }
  }
}
console.log(
  `\nsharded reserve throughput — ${cpus().length} cores, Node ${process.version}; ${ORDERS} orders per row`,
);
console.log('runner pipelined (batches of 200, 4 in flight); ratio against the first row of its workload\n');
console.log(
  '| items per order | store | shards | orders/s | vs one shard, one Redis | Redis CPU µs/order | Node CPU µs/order | orders per CPU-second |',
);
console.log('|---|---|---|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
for (const target of targets) await Promise.all(target.servers.map((s) => s.quit()));
