/**
 * Fault-injection suite: a mixed saga workload (orders placed, confirmed, cancelled, expired;
 * duplicates; cancels sent before their placed; admin adjustments over HTTP, retried with their
 * Idempotency-Key like a real client) runs through a real api, worker and relay process while one
 * fault is injected; once quiet, every invariant is checked.
 *
 *   pnpm faults                      every fault, seeds from FAULT_SEEDS (default "1")
 *   FAULT_SEEDS=1,2,3 pnpm faults    more seeded runs
 * CI runs the same file with the default single seed (the quick subset).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isRestored } from '../../packages/core/src/index.js';
import {
  startTestStack,
  type TestStack,
  waitForDurableEqualsLive,
  waitUntilRestored,
} from '../support/pipeline.js';
import { type AppProcess, freePort, spawnApp } from '../support/processes.js';
import {
  brokerPid,
  distinctOutcomes,
  inbound,
  makeWorkload,
  PrivateRedis,
  restartMariaDb,
  type Workload,
} from './fault.support.js';
import { type Adjustment, type AdminClient, createAdminClient } from './http-admin.js';
import { checkInvariants } from './invariants.js';

const ORDERS = Number(process.env.FAULT_ORDERS ?? 300);
const SEEDS = (process.env.FAULT_SEEDS ?? '1').split(',').map(Number);
const ctx = { causationId: 'fault-setup', correlationId: 'fault-setup', actor: 'test' };

type Fault =
  | 'worker SIGKILL'
  | 'relay SIGKILL'
  | 'Redis restart (AOF)'
  | 'Redis FLUSHALL'
  | 'MariaDB restart'
  | 'broker SIGSTOP 10 s';

interface Run {
  stack: TestStack;
  redis: PrivateRedis;
  apps: { worker: AppProcess; relay: AppProcess; api: AppProcess };
  env: Record<string, string>;
  admin: AdminClient;
}

const JWT_SECRET = 'fault-suite-secret-0123456789abcdef';

let current: Run | undefined;
afterEach(async () => {
  if (!current) return;
  await Promise.all(Object.values(current.apps).map((app) => app.kill('SIGKILL')));
  await current.stack.close().catch(() => {});
  current.redis.stop();
  current = undefined;
});

async function startRun(): Promise<Run> {
  const redis = new PrivateRedis(6390);
  redis.start(true);
  const stack = await startTestStack({ REDIS_URL: redis.url, RESERVATION_TTL_SECONDS: '2' });
  const port = await freePort();
  const env = {
    ...stack.env,
    WORKER_BATCH_SIZE: '40',
    RELAY_BATCH_SIZE: '50',
    HTTP_PORT: String(port),
    JWT_SECRET,
  };
  const worker = spawnApp('worker', env);
  const relay = spawnApp('relay', env);
  const api = spawnApp('api', env);
  await Promise.all([worker.ready(), relay.ready(), api.ready()]);
  const admin = createAdminClient(`http://127.0.0.1:${port}`, JWT_SECRET);
  current = { stack, redis, apps: { worker, relay, api }, env, admin };
  return current;
}

async function restartApp(run: Run, name: 'worker' | 'relay', signal: NodeJS.Signals): Promise<void> {
  await run.apps[name].kill(signal);
  run.apps[name] = spawnApp(name, run.env);
  await run.apps[name].ready();
}

async function inject(run: Run, fault: Fault, placedSoFar: number): Promise<void> {
  switch (fault) {
    case 'worker SIGKILL':
      return restartApp(run, 'worker', 'SIGKILL');
    case 'relay SIGKILL':
      return restartApp(run, 'relay', 'SIGKILL');
    case 'Redis restart (AOF)':
      run.redis.restart();
      return;
    case 'Redis FLUSHALL': {
      // The service's promise is no loss for what was drained: the inbound traffic sent so far is
      // answered and the journal is empty (worker and relay keep running), then everything goes.
      const journal = run.stack.runner.keys.journal;
      const deadline = Date.now() + 30_000;
      while (!((await caughtUp(run, placedSoFar)) && (await run.stack.redis.xlen(journal)) === 0)) {
        if (Date.now() > deadline) throw new Error('the service never caught up before FLUSHALL');
        await new Promise((r) => setTimeout(r, 5));
      }
      run.redis.flushAll();
      return;
    }
    case 'MariaDB restart':
      // Stock keeps moving in Redis meanwhile; the relay retries and catches up.
      return restartMariaDb(3_000);
    case 'broker SIGSTOP 10 s': {
      const pid = brokerPid();
      if (!pid) throw new Error('no Kafka broker process found');
      process.kill(pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 10_000));
      process.kill(pid, 'SIGCONT');
      return;
    }
  }
}

/**
 * Sends the workload; confirm/cancel follow each reservation; every fifth order comes with an
 * admin adjustment of its SKU over HTTP (awaited, so none is in flight when the fault strikes);
 * injects the fault part-way.
 */
async function drive(
  run: Run,
  workload: Workload,
  fault: Fault,
): Promise<{ sent: Set<string>; adjustments: Adjustment[] }> {
  const { stack } = run;
  const t = stack.config.kafka.topics;
  const sent = new Set<string>();
  const adjustments: Adjustment[] = [];
  const send = async (
    topic: string,
    id: string,
    type: string,
    o: Workload['orders'][number],
    withItems: boolean,
  ) => {
    sent.add(id);
    await stack.send(topic, [
      {
        key: String(o.id),
        value: inbound(id, type, o.id, withItems ? [{ skuId: o.sku, quantity: o.qty }] : undefined),
      },
    ]);
  };
  // Every tenth cancel is sent before its placed (reordered); every seventh placed twice.
  for (const [i, o] of workload.orders.entries()) {
    if (o.fate === 'cancel' && i % 10 === 0)
      await send(t.orderCancelled, `cancel-${o.id}`, 'order.cancelled', o, false);
    await send(t.orderPlaced, `placed-${o.id}`, 'order.placed', o, true);
    if (i % 7 === 0) await send(t.orderPlaced, `placed-${o.id}`, 'order.placed', o, true);
    if (i % 5 === 2) {
      const delta = i % 10 === 2 ? -1 : 1 + (i % 3); // stock in, and now and then a unit out
      adjustments.push(await run.admin.adjust(`adjust-${o.id}`, o.sku, delta));
    }
    if (i === Math.floor(workload.orders.length * 0.4)) await inject(run, fault, i + 1);
  }
  const followed = new Set<number>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const reserved = new Set(
      distinctOutcomes(stack)
        .filter((r) => r.event?.type === 'stock.reserved')
        .map((r) => Number(r.key)),
    );
    for (const o of workload.orders) {
      if (!reserved.has(o.id) || followed.has(o.id) || o.fate === 'expire') continue;
      followed.add(o.id);
      if (o.fate === 'confirm') await send(t.orderConfirmed, `confirm-${o.id}`, 'order.confirmed', o, false);
      else if (!sent.has(`cancel-${o.id}`))
        await send(t.orderCancelled, `cancel-${o.id}`, 'order.cancelled', o, false);
    }
    if (await quiet(run, workload)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { sent, adjustments };
}

/** Every order placed so far has its reserve outcome (the workers caught up with the topic). */
async function caughtUp(run: Run, placed: number): Promise<boolean> {
  const answered = distinctOutcomes(run.stack).filter(
    (r) => r.event?.type === 'stock.reserved' || r.event?.type === 'stock.reservation.failed',
  );
  return new Set(answered.map((r) => r.key)).size >= placed;
}

/** Every order has its reserve outcome and no reservation is still open. */
async function quiet(run: Run, workload: Workload): Promise<boolean> {
  const outcomes = distinctOutcomes(run.stack);
  const answered = new Set(
    outcomes
      .filter((r) => r.event?.type === 'stock.reserved' || r.event?.type === 'stock.reservation.failed')
      .map((r) => r.key),
  );
  if (answered.size < workload.orders.length) return false;
  if (!(await isRestored(run.stack.redis, run.stack.runner.keys).catch(() => false))) return false;
  const states = await run.stack.runner.getMany(workload.skus).catch(() => []);
  return states.length > 0 && states.every((s) => s !== null && s.reserved === 0);
}

const FAULTS: Fault[] = [
  'worker SIGKILL',
  'relay SIGKILL',
  'Redis restart (AOF)',
  'Redis FLUSHALL',
  'MariaDB restart',
  'broker SIGSTOP 10 s',
];

describe.each(SEEDS)('fault suite, seed %i', (seed) => {
  it.each(FAULTS)(
    'under %s, every invariant holds once quiet',
    async (fault) => {
      const run = await startRun();
      const workload = makeWorkload(seed, ORDERS);
      await waitUntilRestored(run.stack, 240_000);
      for (const sku of workload.skus)
        await run.stack.runner.add({ ...ctx, skuId: sku, quantity: workload.initial });

      const { sent, adjustments } = await drive(run, workload, fault);
      await waitForDurableEqualsLive(run.stack, workload.skus, 30_000);

      expect(adjustments.filter((a) => a.status === 'applied').length).toBeGreaterThan(0);
      expect(await checkInvariants(run.stack, workload, sent, adjustments)).toEqual([]);
    },
    240_000,
  );
});
