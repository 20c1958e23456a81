import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../apps/api/src/token.signer.js';
import { isRestored } from '../../packages/core/src/index.js';
import { ofType, orderEvent, startTestStack, type TestStack } from '../support/pipeline.js';
import { type AppProcess, jsonLogLines, spawnApp, until } from '../support/processes.js';

// One order over HTTP and one over Kafka through the api, worker and relay as real processes, at
// LOG_LEVEL=debug (the per-event lines of the worker and the relay are debug: see README, "Logs").
const PORTS = { api: 18094, worker: 19474, relay: 19475 };
const SECRET = 'observability-test-secret-0123456789abcdef';
const SKU = 'OBS-1';
const HTTP_ORDER = 7001;
const KAFKA_ORDER = 7002;

let stack: TestStack;
let apps: Record<'api' | 'worker' | 'relay', AppProcess>;
let httpCorrelation: string;
let kafkaCorrelation: string;

beforeAll(async () => {
  stack = await startTestStack();
  const env = {
    ...stack.env,
    LOG_LEVEL: 'debug',
    JWT_SECRET: SECRET,
    HTTP_PORT: String(PORTS.api),
    WORKER_OPS_PORT: String(PORTS.worker),
    RELAY_OPS_PORT: String(PORTS.relay),
  };
  apps = { relay: spawnApp('relay', env), worker: spawnApp('worker', env), api: spawnApp('api', env) };
  await Promise.all(Object.values(apps).map((app) => app.ready()));
  await until(async () => ((await isRestored(stack.redis, stack.runner.keys)) ? true : undefined));
  await stack.runner.add({
    causationId: 'setup',
    correlationId: 'setup',
    actor: 'test',
    skuId: SKU,
    quantity: 10,
  });

  // Act: the two orders, each with its own correlation id
  httpCorrelation = `corr-http-${stack.run}`;
  kafkaCorrelation = `corr-kafka-${stack.run}`;
  const token = signToken({ secret: SECRET, sub: 'order-service', roles: ['SERVICE'], ttlSeconds: 300 });
  const reply = await fetch(`http://127.0.0.1:${PORTS.api}/api/v1/reservations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      orderId: HTTP_ORDER,
      items: [{ skuId: SKU, quantity: 1 }],
      correlationId: httpCorrelation,
    }),
  });
  expect(reply.status).toBe(201);
  const data = {
    orderId: KAFKA_ORDER,
    items: [{ skuId: SKU, quantity: 2 }],
    correlationId: kafkaCorrelation,
  };
  await stack.send(stack.config.kafka.topics.orderPlaced, [
    { key: String(KAFKA_ORDER), value: orderEvent(randomUUID(), 'order.placed', data) },
  ]);
  await stack.waitFor('both reservations published', (s) => ofType(s, 'stock.reserved').length === 2);
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(apps ?? {}).map((app) => app.kill('SIGKILL')));
  await stack?.close();
});

/** The JSON log lines of a process whose `correlationId` field is `id`. */
const linesWith = (app: AppProcess, id: string) =>
  jsonLogLines(app.output()).filter((line) => line.correlationId === id);

describe('following one order through the logs', () => {
  it('when one order comes over HTTP and one over Kafka, the api, worker and relay log its correlationId as a field', async () => {
    // The relay logs after the broker acknowledged; the test's consumer may have seen the events
    // first. The api writes its log lines in chunks, at the latest 250 ms after the line.
    await until(async () =>
      linesWith(apps.relay, httpCorrelation).length > 0 &&
      linesWith(apps.relay, kafkaCorrelation).length > 0 &&
      linesWith(apps.api, httpCorrelation).length > 0
        ? true
        : undefined,
    );

    expect(linesWith(apps.api, httpCorrelation)).toContainEqual(
      expect.objectContaining({ name: 'api', msg: 'request completed', statusCode: 201 }),
    );
    expect(linesWith(apps.worker, kafkaCorrelation)).toContainEqual(
      expect.objectContaining({
        name: 'worker',
        msg: 'event handled',
        type: 'order.placed',
        key: String(KAFKA_ORDER),
        outcome: 'ok',
      }),
    );
    for (const [id, order] of [
      [httpCorrelation, HTTP_ORDER],
      [kafkaCorrelation, KAFKA_ORDER],
    ] as const) {
      expect(linesWith(apps.relay, id)).toContainEqual(
        expect.objectContaining({
          name: 'relay',
          msg: 'event published',
          type: 'stock.reserved',
          key: String(order),
        }),
      );
    }
    // And the outbound events carry the same ids the logs show.
    const published = ofType(stack.seen, 'stock.reserved').map((r) => r.event?.data.correlationId);
    expect(published.sort()).toEqual([httpCorrelation, kafkaCorrelation].sort());
    // The HTTP order never went through the worker.
    expect(linesWith(apps.worker, httpCorrelation)).toEqual([]);
  });

  it('when the processes are scraped, the stock, script, lag and publish metrics have counted the two orders', async () => {
    const scrape = async (port: number, path = '/metrics') =>
      (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    const api = await scrape(PORTS.api);
    expect(sample(api, 'inventory_stock_outcomes_total', { action: 'reserve', outcome: 'ok' })).toBe(1);
    expect(sample(api, 'inventory_stock_script_seconds_count', { command: 'reserve', mode: 'single' })).toBe(
      1,
    );

    const worker = await scrape(PORTS.worker);
    expect(sample(worker, 'inventory_stock_outcomes_total', { action: 'reserve', outcome: 'ok' })).toBe(1);
    // One order in a fetch is one script call (mode single); several share a pipeline.
    const [single = 0, pipelined = 0] = ['single', 'pipeline'].map(
      (mode) => sample(worker, 'inventory_stock_script_seconds_count', { command: 'reserve', mode }) ?? 0,
    );
    expect(single + pipelined).toBeGreaterThanOrEqual(1);
    // Lag is read from the broker: the order-placed group has committed everything it was sent.
    const topic = stack.config.kafka.topics.orderPlaced;
    const lags = await until(async () => {
      const rows = series(await scrape(PORTS.worker), 'inventory_consumer_lag', { topic });
      return rows.length === 3 && rows.every((r) => r.value === 0) ? rows : undefined;
    });
    expect(lags.map((r) => r.labels.group)).toEqual(Array(3).fill(`test-${stack.run}.order-placed`));

    const relay = await scrape(PORTS.relay);
    expect(sample(relay, 'inventory_outbox_published_total', {})).toBeGreaterThanOrEqual(2);
    expect(sample(relay, 'inventory_relay_publish_seconds_count', {})).toBeGreaterThanOrEqual(1);
  });
});

interface Series {
  labels: Record<string, string>;
  value: number;
}

/** Samples of one metric in Prometheus text whose labels include `want`. */
function series(text: string, name: string, want: Record<string, string>): Series[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) return [];
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(want).some(([k, v]) => labels[k] !== v)) return [];
    return [{ labels: labels as Record<string, string>, value: Number(match[3]) }];
  });
}

function sample(text: string, name: string, want: Record<string, string>): number | undefined {
  const found = series(text, name, want);
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(want)} matches ${found.length} series`);
  return found[0]?.value;
}
