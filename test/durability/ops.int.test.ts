import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../apps/api/src/token.signer.js';
import { startTestStack, type TestStack } from '../support/pipeline.js';
import { type AppProcess, spawnApp, until } from '../support/processes.js';

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

describe('worker and relay health and metrics', () => {
  it('when Redis has no restored-data marker, the worker is not ready until the relay restored it', async () => {
    stack = await startTestStack();
    await stack.redis.del(stack.runner.keys.restored); // Redis as after a loss: no marker
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

  it('the API starts and serves stock while the Kafka broker is unreachable (it never talks to Kafka)', async () => {
    stack = await startTestStack();
    await stack.runner.add({
      causationId: 'c',
      correlationId: 'c',
      actor: 'test',
      skuId: 'NK-1',
      quantity: 5,
    });
    const secret = 'api-without-kafka-secret-0123456789';
    // Port 9 on loopback: nothing listens, so any broker connection would be refused.
    const api = spawnApp('api', {
      ...stack.env,
      KAFKA_BROKERS: '127.0.0.1:9',
      HTTP_PORT: '18093',
      JWT_SECRET: secret,
    });
    apps.push(api);
    await api.ready(30_000);

    const token = signToken({ secret, sub: 'ops', roles: ['ADMIN'], ttlSeconds: 60 });
    const res = await fetch('http://127.0.0.1:18093/api/v1/inventory/NK-1', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toMatchObject({
      skuId: 'NK-1',
      total: 5,
      available: 5,
    });
    expect((await get(18093, '/health/ready')).status).toBe(200);
  }, 60_000);
});
