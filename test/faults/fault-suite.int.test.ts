/**
 * Fault-injection suite: a mixed saga workload (orders placed, confirmed, cancelled, expired;
 * duplicates; cancels sent before their placed; admin adjustments over HTTP, retried with their
 * Idempotency-Key like a real client) runs through a real api, worker and relay process while one
 * fault is injected; once quiet, every invariant is checked.
 *
 *   pnpm faults                      every fault, seeds from FAULT_SEEDS (default "1")
 *   FAULT_SEEDS=1,2,3 pnpm faults    more seeded runs
 * CI runs the same file with the default single seed (the quick subset). Every seed runs on a
 * single Redis (one shard) and on a private 3-master Redis Cluster with 16 shards, two relays and
 * cross-shard orders (fault.stores.ts).
 */

import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { isRestored } from '../../packages/core/src/index.js';
import {
  startTestStack,
  type TestStack,
  waitForDurableEqualsLive,
  waitUntilRestored,
} from '../support/pipeline.js';
import { type AppProcess, freePort, spawnApp } from '../support/processes.js';
import { FAULT_TARGETS, type Fault, type FaultStore, type FaultTarget } from './fault.stores.js';
import {
  brokerPid,
  distinctOutcomes,
  inbound,
  makeWorkload,
  restartMariaDb,
  type Workload,
} from './fault.support.js';
import { type Adjustment, type AdminClient, createAdminClient } from './http-admin.js';
import { checkInvariants } from './invariants.js';
import { addSecondLocation, checkLocations, seedSplit } from './locations.js';

const ORDERS = Number(process.env.FAULT_ORDERS ?? 300);
const SEEDS = (process.env.FAULT_SEEDS ?? '1').split(',').map(Number);

interface Run {
  stack: TestStack;
  store: FaultStore;
  apps: { worker: AppProcess; relay: AppProcess; api: AppProcess; relay2?: AppProcess };
  env: Record<string, string>;
  admin: AdminClient;
}

const JWT_SECRET = 'fault-suite-secret-0123456789abcdef';

let current: Run | undefined;
afterEach(async () => {
  if (!current) return;
  await Promise.all(Object.values(current.apps).map((app) => app?.kill('SIGKILL')));
  await current.stack.close().catch(() => {});
  current.store.stop();
  current = undefined;
});

async function startRun(target: FaultTarget): Promise<Run> {
  const store = target.start();
  const stack = await startTestStack({ ...store.env, RESERVATION_TTL_SECONDS: '2' });
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
  const relay2 = store.relays > 1 ? spawnApp('relay', env) : undefined;
  const api = spawnApp('api', env);
  await Promise.all([worker.ready(), relay.ready(), relay2?.ready(), api.ready()]);
  const admin = createAdminClient(`http://127.0.0.1:${port}`, JWT_SECRET);
  current = { stack, store, apps: { worker, relay, api, relay2 }, env, admin };
  const run = current;
  onTestFailed(() => {
    // What the apps said last: the first place to look when an invariant breaks.
    for (const [name, app] of Object.entries(run.apps))
      if (app)
        console.error(`--- ${name} (last lines) ---\n${app.output().split('\n').slice(-40).join('\n')}`);
  });
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
    case 'shard master SIGKILL (AOF)':
      return run.store.inject(fault, placedSoFar);
    case 'Redis FLUSHALL':
    case 'shard master FLUSHALL': {
      // The service's promise is no loss for what was drained: the inbound traffic sent so far is
      // answered and every journal is empty (worker and relay keep running), then the data goes.
      const deadline = Date.now() + 30_000;
      while (!((await caughtUp(run, placedSoFar)) && (await journalsEmpty(run)))) {
        if (Date.now() > deadline) throw new Error('the service never caught up before FLUSHALL');
        await new Promise((r) => setTimeout(r, 5));
      }
      return run.store.inject(fault, placedSoFar);
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
        value: inbound(id, type, o.id, withItems ? o.items : undefined),
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

async function journalsEmpty(run: Run): Promise<boolean> {
  const { layout } = run.stack.runner;
  for (let shard = 0; shard < layout.count; shard += 1)
    if ((await run.stack.redis.xlen(layout.keys(shard).journal)) > 0) return false;
  return true;
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
  if (!(await isRestored(run.stack.redis, run.stack.runner.layout).catch(() => false))) return false;
  const states = await run.stack.runner.getMany(workload.skus).catch(() => []);
  return states.length > 0 && states.every((s) => s !== null && s.reserved === 0);
}

describe.each(FAULT_TARGETS.flatMap((target) => SEEDS.map((seed) => ({ ...target, seed }))))(
  'fault suite on $target, seed $seed',
  (target) => {
    it.each(target.faults)(
      'under %s, every invariant holds once quiet',
      async (fault) => {
        const run = await startRun(target);
        const workload = makeWorkload(target.seed, ORDERS, target.multiItem);
        await waitUntilRestored(run.stack, 240_000);
        await addSecondLocation(run.stack);
        for (const sku of workload.skus) await seedSplit(run.stack, sku, workload.initial);

        const { sent, adjustments } = await drive(run, workload, fault);
        await waitForDurableEqualsLive(run.stack, workload.skus, 30_000);

        expect(adjustments.filter((a) => a.status === 'applied').length).toBeGreaterThan(0);
        const violations = await checkInvariants(run.stack, workload, sent, adjustments);
        violations.push(...(await checkLocations(run.stack, workload.skus)));
        // The assertion below truncates a long list: the first ones, and how many, in full.
        if (violations.length > 0)
          console.error(`${violations.length} violations:\n${violations.slice(0, 20).join('\n')}`);
        expect(violations).toEqual([]);
      },
      240_000,
    );
  },
);
