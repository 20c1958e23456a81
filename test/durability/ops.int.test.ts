import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/pipeline.js';
import { type AppProcess, spawnApp } from '../support/processes.js';

let stack: TestStack | undefined;
const apps: AppProcess[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.kill('SIGKILL')));
  apps.length = 0;
  await stack?.close();
  stack = undefined;
});

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker and relay health and metrics', () => {
  it('when Redis has no restored-data marker, the worker is not ready until the relay restored it', async () => {
    stack = await startTestStack();
    const worker = spawnApp('worker', { ...stack.env, WORKER_OPS_PORT: '19464' });
    apps.push(worker);
    await worker.ready();

    const waiting = await get(19464, '/health/ready');
    expect(waiting.status).toBe(503);
    expect(JSON.parse(waiting.body)).toMatchObject({
      status: 'DOWN',
      checks: { restored: false, redis: true },
    });

    const relay = spawnApp('relay', { ...stack.env, RELAY_OPS_PORT: '19465' });
    apps.push(relay);
    await relay.ready();
    const ready = await until(async () => {
      const r = await get(19464, '/health/ready');
      return r.status === 200 ? r : undefined;
    });
    expect(JSON.parse(ready.body)).toEqual({
      status: 'UP',
      checks: { consuming: true, redis: true, restored: true, kafka: true },
    });
    expect((await get(19465, '/health/ready')).status).toBe(200);
    expect((await get(19464, '/health/live')).status).toBe(200);

    const relayMetrics = await until(async () => {
      const m = (await get(19465, '/metrics')).body;
      return m.includes('inventory_relay_active 1') ? m : undefined;
    });
    expect(relayMetrics).toMatch(/inventory_journal_backlog \d+/);
    expect(relayMetrics).toMatch(/inventory_outbox_backlog \d+/);
    expect(relayMetrics).toMatch(/inventory_restores_total 1/);
    expect((await get(19464, '/metrics')).body).toContain('inventory_worker_messages_total');
  }, 90_000);
});
