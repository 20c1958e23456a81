/**
 * End-to-end benchmark of the order saga: `order.placed` into Kafka → worker (Lua reserve) →
 * journal → relay (MariaDB transaction, outbox) → `stock.reserved` out of Kafka.
 * The worker and the relay run as their own processes, as in production; everything (Kafka,
 * Redis, MariaDB, this load generator) shares the machine.
 *
 *   node --conditions=source --import tsx bench/pipeline/e2e.bench.ts [orders=20000] [rate=1000] [seconds=10]
 *
 * Three phases, in this order:
 *   1. latency at a fixed rate on a quiet pipeline,
 *   2. sustained throughput: `orders` sent at once, orders/s until the last outcome is out,
 *   3. latency at the same fixed rate right after that burst.
 * Each prints the per-stage split (stages.ts) and the CPU time per order of every process on the
 * path (cpu.ts). A benchmark, not a test: it asserts nothing and prints figures.
 */
import { startTestStack, type TestStack } from '../../test/support/pipeline.js';
import { spawnApp } from '../../test/support/processes.js';
import { cpuPerOrder, findPid, formatCpu, sampleCpu, type WatchedProcess } from './cpu.js';
import { formatStages, type OrderTimes, outboxTimes, summarise } from './stages.js';

const [ordersArg, rateArg, secondsArg] = process.argv.slice(2);
const ORDERS = Number(ordersArg ?? 20_000);
const RATE = Number(rateArg ?? 1_000);
const SECONDS = Number(secondsArg ?? 10);
const ctx = { causationId: 'bench', correlationId: 'bench', actor: 'bench' };
const SKUS = 1_000;
const OUTCOMES = new Set(['stock.reserved', 'stock.reservation.failed']);

function placed(orderId: number) {
  return {
    key: String(orderId),
    value: JSON.stringify({
      id: `bench-${orderId}`,
      specversion: '1.0',
      type: 'order.placed',
      source: 'bench',
      time: new Date().toISOString(),
      data: { orderId, items: [{ skuId: `B${orderId % SKUS}`, quantity: 1 }] },
    }),
  };
}

/** The first outcome record seen per order id: its Kafka timestamp and when it arrived here. */
function outcomes(stack: TestStack): Map<string, { published: number; received: number }> {
  const times = new Map<string, { published: number; received: number }>();
  for (const r of stack.seen) {
    if (OUTCOMES.has(r.event?.type ?? '') && r.key && !times.has(r.key))
      times.set(r.key, { published: r.timestamp, received: r.receivedAt });
  }
  return times;
}

async function waitOutcomes(stack: TestStack, keys: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = outcomes(stack);
    const missing = keys.filter((k) => !seen.has(k)).length;
    if (missing === 0) return;
    if (Date.now() > deadline) throw new Error(`${missing} of ${keys.length} outcomes missing`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends RATE orders/s for SECONDS in 10 ms ticks; returns when each order was sent. */
async function sendAtRate(stack: TestStack, firstId: number): Promise<Map<string, number>> {
  const topic = stack.config.kafka.topics.orderPlaced;
  const sentAt = new Map<string, number>();
  const perTick = Math.max(1, Math.round(RATE / 100));
  const start = Date.now();
  let next = firstId;
  for (let tick = 0; tick < SECONDS * 100; tick++) {
    const records = Array.from({ length: perTick }, () => placed(next++));
    const now = Date.now();
    for (const r of records) sentAt.set(r.key, now);
    await stack.send(topic, records);
    const wait = start + (tick + 1) * 10 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return sentAt;
}

async function latencyPhase(
  label: string,
  stack: TestStack,
  watched: WatchedProcess[],
  firstId: number,
): Promise<void> {
  const cpuBefore = sampleCpu(watched);
  const started = Date.now();
  const sentAt = await sendAtRate(stack, firstId);
  const achieved = sentAt.size / ((Date.now() - started) / 1000);
  await waitOutcomes(stack, [...sentAt.keys()], 120_000);
  const cpu = cpuPerOrder(cpuBefore, sampleCpu(watched), sentAt.size);
  const seen = outcomes(stack);
  const stored = await outboxTimes(stack.knex, [
    stack.config.kafka.topics.stockReserved,
    stack.config.kafka.topics.stockReservationFailed,
  ]);
  const orders: OrderTimes[] = [...sentAt].flatMap(([key, placedAt]) => {
    const out = seen.get(key);
    const row = stored.get(key);
    return out && row ? [{ placed: placedAt, ...row, ...out }] : [];
  });
  const stages = summarise(orders);
  const total = stages.find((s) => s.stage === 'placed → published');
  console.log(
    `\n${label}: ${sentAt.size} orders at ${RATE}/s (achieved ${Math.round(achieved)}/s): ` +
      `placed → outcome p50 ${total?.p50} ms, p99 ${total?.p99} ms`,
  );
  console.log(formatStages(stages));
  console.log(`  CPU µs per order: ${formatCpu(cpu)}`);
}

async function main(): Promise<void> {
  const stack = await startTestStack({
    LOG_LEVEL: 'warn',
    WORKER_BATCH_SIZE: '500',
    RELAY_BATCH_SIZE: '1000',
    // Production's intervals, not the test stack's short ones.
    RELAY_POLL_INTERVAL_MS: '100',
    RELAY_EXPIRY_SWEEP_INTERVAL_MS: '1000',
  });
  // BENCH_CPU_PROF=<dir>: the worker and the relay write V8 CPU profiles there when they stop.
  const profile = process.env.BENCH_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const apps = [spawnApp('worker', stack.env, nodeArgs), spawnApp('relay', stack.env, nodeArgs)];
  try {
    await Promise.all(apps.map((a) => a.ready()));
    const [worker, relay] = apps;
    const redisPid = Number(/process_id:(\d+)/.exec(await stack.redis.info('server'))?.[1]);
    const candidates: [string, number | undefined][] = [
      ['worker', worker?.child.pid],
      ['relay', relay?.child.pid],
      ['broker', findPid('kafka\\.Kafka')],
      ['mariadb', findPid('mariadbd')],
      ['redis', redisPid || undefined],
      ['bench', process.pid],
    ];
    const watched = candidates.flatMap(([name, pid]) => (pid ? [{ name, pid }] : []));
    console.log(`processes: ${watched.map((p) => `${p.name}=${p.pid}`).join(' ')}`);

    const batch = stack.runner.batch();
    for (let s = 0; s < SKUS; s++) void batch.add({ ...ctx, skuId: `B${s}`, quantity: 1_000_000 });
    await batch.exec();
    const topic = stack.config.kafka.topics.orderPlaced;

    // Warm-up: consumer groups joined, scripts loaded, connections open, JIT warm.
    const warm = Array.from({ length: 2_000 }, (_, i) => placed(900_000_000 + i));
    await stack.send(topic, warm);
    await waitOutcomes(
      stack,
      warm.map((r) => r.key),
      60_000,
    );

    // What the pipeline burns doing nothing (fetch polls, heartbeats, timers): CPU ms per second.
    const idleBefore = sampleCpu(watched);
    await new Promise((r) => setTimeout(r, 5_000));
    console.log(
      `\n0. idle: CPU ms per second: ${formatCpu(cpuPerOrder(idleBefore, sampleCpu(watched), 5_000))}`,
    );

    await latencyPhase('1. quiet', stack, watched, 10_000_000);

    const cpuBefore = sampleCpu(watched);
    const t0 = Date.now();
    const keys: string[] = [];
    for (let i = 0; i < ORDERS; i += 2_000) {
      const records = Array.from({ length: Math.min(2_000, ORDERS - i) }, (_, j) => placed(i + j + 1));
      for (const r of records) keys.push(r.key);
      await stack.send(topic, records);
    }
    const sentIn = Date.now() - t0;
    await waitOutcomes(stack, keys, 300_000);
    const elapsed = (Date.now() - t0) / 1000;
    console.log(
      `\n2. throughput: ${ORDERS} orders in ${elapsed.toFixed(2)} s = ${Math.round(ORDERS / elapsed)} orders/s ` +
        `(sending took ${sentIn} ms)`,
    );
    console.log(`  CPU µs per order: ${formatCpu(cpuPerOrder(cpuBefore, sampleCpu(watched), ORDERS))}`);

    await latencyPhase('3. right after the burst', stack, watched, 20_000_000);
  } finally {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await stack.close();
  }
}

await main();
process.exit(0);
