/**
 * End-to-end benchmark of the order saga: `order.placed` into Kafka → worker (Lua reserve) →
 * journal → relay (MariaDB transaction, outbox) → `stock.reserved` out of Kafka.
 * The worker and the relay run as their own processes, as in production; everything (Kafka,
 * Redis, MariaDB, this load generator) shares the machine.
 *
 *   node --conditions=source --import tsx bench/pipeline/e2e.bench.ts [orders=20000] [rate=1000] [seconds=10]
 *
 * Prints (1) sustained throughput: all orders sent at once, orders/s until the last outcome is
 * out; (2) latency percentiles with orders sent at a fixed rate.
 */
import { startTestStack, type TestStack } from '../../test/support/pipeline.js';
import { spawnApp } from '../../test/support/processes.js';

const [ordersArg, rateArg, secondsArg] = process.argv.slice(2);
const ORDERS = Number(ordersArg ?? 20_000);
const RATE = Number(rateArg ?? 1_000);
const SECONDS = Number(secondsArg ?? 10);
const ctx = { causationId: 'bench', correlationId: 'bench', actor: 'bench' };
const SKUS = 1_000;

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

/** Time each outcome (by order id) was first seen. */
function outcomeTimes(stack: TestStack, since: number): Map<string, number> {
  const times = new Map<string, number>();
  for (const r of stack.seen.slice(since)) {
    const type = r.event?.type;
    if ((type === 'stock.reserved' || type === 'stock.reservation.failed') && r.key && !times.has(r.key)) {
      times.set(r.key, (r as { at?: number }).at ?? Date.now());
    }
  }
  return times;
}

async function waitOutcomes(stack: TestStack, want: number, since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (outcomeTimes(stack, since).size < want) {
    if (Date.now() > deadline) throw new Error(`only ${outcomeTimes(stack, since).size} of ${want} outcomes`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const stack = await startTestStack({
    LOG_LEVEL: 'warn',
    WORKER_BATCH_SIZE: '500',
    RELAY_BATCH_SIZE: '1000',
  });
  // Stamp arrival times as the collector sees records (the harness keeps the order of arrival).
  const push = stack.seen.push.bind(stack.seen);
  stack.seen.push = (...items) => push(...items.map((i) => Object.assign(i, { at: Date.now() })));
  const apps = [spawnApp('worker', stack.env), spawnApp('relay', stack.env)];
  try {
    await Promise.all(apps.map((a) => a.ready()));
    const batch = stack.runner.batch();
    for (let s = 0; s < SKUS; s++) void batch.add({ ...ctx, skuId: `B${s}`, quantity: 1_000_000 });
    await batch.exec();
    const topic = stack.config.kafka.topics.orderPlaced;

    // Warm-up: consumer groups joined, scripts loaded, connections open.
    await stack.send(
      topic,
      Array.from({ length: 200 }, (_, i) => placed(900_000_000 + i)),
    );
    await waitOutcomes(stack, 200, 0, 60_000);

    // 1. Throughput: everything at once.
    let since = stack.seen.length;
    const t0 = Date.now();
    for (let i = 0; i < ORDERS; i += 2_000) {
      await stack.send(
        topic,
        Array.from({ length: Math.min(2_000, ORDERS - i) }, (_, j) => placed(i + j + 1)),
      );
    }
    const sentIn = Date.now() - t0;
    await waitOutcomes(stack, ORDERS, since, 300_000);
    const elapsed = (Date.now() - t0) / 1000;
    console.log(
      `throughput: ${ORDERS} orders in ${elapsed.toFixed(2)} s = ${Math.round(ORDERS / elapsed)} orders/s (sending took ${sentIn} ms)`,
    );

    // 2. Latency at a fixed rate, sent in 10 ms ticks.
    since = stack.seen.length;
    const sentAt = new Map<string, number>();
    const perTick = Math.max(1, Math.round(RATE / 100));
    const start = Date.now();
    let next = 10_000_000;
    for (let tick = 0; tick < SECONDS * 100; tick++) {
      const records = Array.from({ length: perTick }, () => placed(next++));
      const now = Date.now();
      for (const r of records) sentAt.set(r.key, now);
      await stack.send(topic, records);
      const wait = start + (tick + 1) * 10 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await waitOutcomes(stack, sentAt.size, since, 120_000);
    const seenAt = outcomeTimes(stack, since);
    const latencies = [...sentAt]
      .map(([key, t]) => (seenAt.get(key) ?? Number.NaN) - t)
      .sort((a, b) => a - b);
    const achieved = sentAt.size / ((Date.now() - start) / 1000);
    console.log(
      `latency at ${RATE} orders/s (${sentAt.size} orders, achieved send rate ${Math.round(achieved)}/s): ` +
        `p50 ${percentile(latencies, 50)} ms, p90 ${percentile(latencies, 90)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`,
    );
  } finally {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await stack.close();
  }
}

await main();
process.exit(0);
