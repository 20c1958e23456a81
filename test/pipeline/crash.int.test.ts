import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitForDurableEqualsLive } from '../support/pipeline.js';
import { type AppProcess, spawnApp } from '../support/processes.js';

const ORDERS = 1_500;
const ctx = { causationId: 'test-setup', correlationId: 'test-setup', actor: 'test' };

let stack: TestStack | undefined;
const apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((a) => a.kill('SIGKILL')));
  apps.length = 0;
  await stack?.close();
  stack = undefined;
});

function placed(n: number): { key: string; value: string } {
  const sku = `K${n % 7}`;
  return {
    key: String(n),
    value: JSON.stringify({
      id: `placed-${n}`,
      specversion: '1.0',
      type: 'order.placed',
      source: 'order-service',
      time: 1769335200,
      data: { orderId: n, items: [{ skuId: sku, quantity: 1 }], correlationId: String(n) },
    }),
  };
}

async function start(app: 'worker' | 'relay', env: Record<string, string>): Promise<AppProcess> {
  const proc = spawnApp(app, env);
  apps.push(proc);
  await proc.ready();
  return proc;
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const outcomes = (s: TestStack) =>
  s.seen.filter((r) => r.event?.type === 'stock.reserved' || r.event?.type === 'stock.reservation.failed');

describe('crash safety', () => {
  it('when the worker is SIGKILLed mid-batch and the relay mid-publish, every order gets exactly one outcome after de-duplication', async () => {
    // Arrange: 7 SKUs with 150 each (1,050 fit), a worker and a relay as real processes
    stack = await startTestStack();
    const env = { ...stack.env, WORKER_BATCH_SIZE: '50', RELAY_BATCH_SIZE: '100', LOG_LEVEL: 'info' };
    for (let k = 0; k < 7; k++) await stack.runner.add({ ...ctx, skuId: `K${k}`, quantity: 150 });
    let worker = await start('worker', env);
    let relay = await start('relay', env);
    const t = stack.config.kafka.topics;

    // Act: orders arrive in waves while the worker, then the relay, is killed in the middle. The
    // later waves wait for each kill, so a kill always lands with orders still to come, however
    // fast the machine is.
    const workerKilled = gate();
    const relayKilled = gate();
    const sending = (async () => {
      for (let wave = 0; wave < ORDERS / 100; wave++) {
        if (wave === 5) await workerKilled.promise;
        if (wave === 10) await relayKilled.promise;
        await stack?.send(
          t.orderPlaced,
          Array.from({ length: 100 }, (_, i) => placed(wave * 100 + i + 1)),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await stack.waitFor('first outcomes', () => outcomes(stack as TestStack).length > 100);
    expect(await worker.kill('SIGKILL')).toBeNull(); // died by signal, not by exiting
    const processedAtKill = await countReservations(stack);
    worker = await start('worker', env);
    workerKilled.resolve();
    await stack.waitFor('more outcomes', () => outcomes(stack as TestStack).length > 600);
    expect(await relay.kill('SIGKILL')).toBeNull();
    const publishedAtKill = outcomes(stack).length;
    relay = await start('relay', env);
    relayKilled.resolve();
    await sending;
    // The kills really landed mid-stream: work was both done and still to do.
    expect(processedAtKill).toBeGreaterThan(0);
    expect(processedAtKill).toBeLessThan(ORDERS);
    expect(publishedAtKill).toBeLessThan(ORDERS);

    // Assert: once quiet, one distinct outcome per order, and the stock adds up
    await stack.waitFor(
      'an outcome for every order',
      () => new Set(outcomes(stack as TestStack).map((r) => r.key)).size === ORDERS,
      90_000,
    );
    await waitForDurableEqualsLive(
      stack,
      Array.from({ length: 7 }, (_, k) => `K${k}`),
    );
    const all = outcomes(stack);
    const idsByOrder = new Map<string, Set<string>>();
    for (const r of all) {
      const ids = idsByOrder.get(r.key ?? '') ?? new Set<string>();
      ids.add(r.event?.id ?? '');
      idsByOrder.set(r.key ?? '', ids);
    }
    expect([...idsByOrder.values()].every((ids) => ids.size === 1)).toBe(true);
    const reservedOrders = new Set(all.filter((r) => r.event?.type === 'stock.reserved').map((r) => r.key));
    expect(reservedOrders.size).toBe(1_050);
    const states = await stack.runner.getMany(Array.from({ length: 7 }, (_, k) => `K${k}`));
    expect(states.every((s) => s?.total === 150 && s.reserved === 150)).toBe(true);
    const counted = await stack.knex('inventory_reservation').where({ status: 'RESERVED' }).count({ n: '*' });
    expect(Number(counted[0]?.n)).toBe(1_050);
  }, 180_000);
});

describe('relay failover', () => {
  it('when the active relay is SIGKILLed, the standby takes the lock and drains what the first left', async () => {
    stack = await startTestStack();
    const env = { ...stack.env };
    const first = await start('relay', env);
    await waitForOutput(first, 'relay lock acquired');
    const second = await start('relay', env);
    await waitForOutput(second, 'standing by');

    expect(await first.kill('SIGKILL')).toBeNull();
    await stack.runner.add({ ...ctx, skuId: 'FAILOVER', quantity: 3 });

    await waitForOutput(second, 'relay lock acquired');
    await waitForDurableEqualsLive(stack, ['FAILOVER']);
    await stack.waitFor('the adjusted event', (seen) => seen.some((r) => r.event?.type === 'stock.adjusted'));
  }, 120_000);
});

describe('graceful shutdown', () => {
  it('when the worker and the relay get SIGTERM under load, they finish, commit and exit 0, and nothing is lost', async () => {
    stack = await startTestStack();
    const env = { ...stack.env };
    await stack.runner.add({ ...ctx, skuId: 'K0', quantity: 10_000 });
    const worker = await start('worker', env);
    const relay = await start('relay', env);
    await stack.send(
      stack.config.kafka.topics.orderPlaced,
      Array.from({ length: 700 }, (_, i) => placed(i * 7 + 7)),
    );
    await stack.waitFor('some outcomes', () => outcomes(stack as TestStack).length > 0);

    expect(await worker.kill('SIGTERM')).toBe(0);
    expect(await relay.kill('SIGTERM')).toBe(0);
    expect(worker.output()).toContain('worker stopped');
    expect(relay.output()).toContain('relay stopped');

    // Whatever they had not done yet, a second pair finishes: every order has its outcome.
    await start('worker', env);
    await start('relay', env);
    await stack.waitFor(
      'all outcomes',
      () => new Set(outcomes(stack as TestStack).map((r) => r.key)).size === 700,
      60_000,
    );
    expect(await stack.runner.get('K0')).toMatchObject({ reserved: 700 });
  }, 120_000);
});

async function waitForOutput(app: AppProcess, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function countReservations(s: TestStack): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await s.redis.scan(
      cursor,
      'MATCH',
      `${s.config.stock.keyPrefix}reservation:*`,
      'COUNT',
      1000,
    );
    count += keys.length;
    cursor = next;
  } while (cursor !== '0');
  return count;
}
