import { randomUUID } from 'node:crypto';
import { type ActiveRelay, startActiveRelay } from '../../apps/relay/src/relay.js';
import { createWorker, type Worker } from '../../apps/worker/src/worker.js';
import {
  type BusProducer,
  buildAsyncApiDocument,
  type Config,
  createConfiguredStockRunner,
  createKnex,
  createLogger,
  createMessageBus,
  createRedisClient,
  ensureDatabase,
  isRestored,
  type Knex,
  loadConfig,
  type MessageBus,
  runMigrations,
  type StockRunner,
  serviceTopics,
} from '../../packages/core/src/index.js';
import type { RedisClient } from '../../packages/core/src/redis/redis.groups.js';
import {
  deleteByPrefix,
  markRestored,
  testClusterNodes,
} from '../../packages/core/src/stock/stock.testing.js';
import { asyncApiEventCheck } from './asyncapi.check.js';
import { testServices } from './services.js';

/** One record seen on an outbound or dead-letter topic. */
export interface SeenRecord {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  /** The record's Kafka timestamp (ms; set by the producer when it sent the record). */
  timestamp: number;
  /** When the collector received it (ms, this process's clock). */
  receivedAt: number;
  /** The parsed CloudEvent (undefined for a non-JSON dead letter). */
  event?: {
    id: string;
    type: string;
    subject?: string;
    time?: string;
    source?: string;
    data: Record<string, unknown>;
  };
}

/** An isolated slice of the real infrastructure: own database, key prefix, topics and groups. */
export interface TestStack {
  run: string;
  config: Config;
  env: Record<string, string>;
  /** A single Redis, or a cluster client when the env names REDIS_CLUSTER_NODES. */
  redis: RedisClient;
  knex: Knex;
  bus: MessageBus;
  runner: StockRunner;
  /** Sends raw record values (bytes as the producers send them) to an inbound topic. */
  send(topic: string, records: { key?: string | null; value: string | Buffer }[]): Promise<void>;
  /** Everything seen so far on the outbound and dead-letter topics. */
  seen: SeenRecord[];
  waitFor(what: string, done: (seen: SeenRecord[]) => boolean, timeoutMs?: number): Promise<SeenRecord[]>;
  close(): Promise<void>;
}

const TOPIC_VARS = [
  'TOPIC_ORDER_PLACED',
  'TOPIC_ORDER_CONFIRMED',
  'TOPIC_ORDER_CANCELLED',
  'TOPIC_SKU_CREATED',
  'TOPIC_PRODUCT_DEFAULT',
  'TOPIC_STOCK_RESERVED',
  'TOPIC_STOCK_RESERVATION_FAILED',
  'TOPIC_STOCK_CONFIRMED',
  'TOPIC_STOCK_CONFIRM_FAILED',
  'TOPIC_STOCK_RELEASED',
  'TOPIC_STOCK_ADJUSTED',
  'TOPIC_STOCK_DEPLETED',
  'TOPIC_STOCK_RESTORED',
  'TOPIC_STOCK_LOW',
];

/** The env of an isolated stack; also handed to child processes in the kill tests. */
export function isolatedEnv(run: string, extra: Record<string, string> = {}): Record<string, string> {
  const defaults = loadConfig({}).kafka.topics as unknown as Record<string, string>;
  const database = `inventory_test_${run.replace(/-/g, '')}`;
  const dbUrl = new URL(testServices.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const env: Record<string, string> = {
    REDIS_URL: testServices.redisUrl,
    // One shard on the single Redis unless a test asks for the cluster (clusterEnv); empty is unset.
    REDIS_CLUSTER_NODES: '',
    STOCK_SHARDS: '1',
    DATABASE_URL: dbUrl.toString(),
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    REDIS_KEY_PREFIX: `test-${run}:`,
    KAFKA_GROUP_ID_PREFIX: `test-${run}`,
    RELAY_LOCK_NAME: `test-relay-${run}`,
    RELAY_POLL_INTERVAL_MS: '20',
    RELAY_EXPIRY_SWEEP_INTERVAL_MS: '100',
    LOG_LEVEL: 'warn',
    // Several workers and relays run at once in tests: no fixed health/metrics ports.
    WORKER_OPS_PORT: '0',
    RELAY_OPS_PORT: '0',
    ...extra,
  };
  const names = Object.values(defaults);
  TOPIC_VARS.forEach((name, i) => {
    env[name] = `${names[i]}.${run}`;
  });
  return env;
}

function toSeen(
  topic: string,
  message: { key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown>; timestamp: string },
): SeenRecord {
  const { key, value } = message;
  const headers = message.headers ?? {};
  const text = value?.toString() ?? '';
  const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
  let event: SeenRecord['event'];
  try {
    event = JSON.parse(text);
  } catch {
    event = undefined;
  }
  return {
    topic,
    key: key?.toString() ?? null,
    value: text,
    headers: flat,
    timestamp: Number(message.timestamp),
    receivedAt: Date.now(),
    event,
  };
}

export async function startTestStack(extra: Record<string, string> = {}): Promise<TestStack> {
  const run = randomUUID().slice(0, 8);
  const env = isolatedEnv(run, extra);
  const config = loadConfig(env);
  await ensureDatabase(config.database);
  const knex = createKnex(config.database);
  await runMigrations(knex, 'latest');
  const redis = createRedisClient({
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    connectionName: `test-${run}`,
  });
  await redis.connect();
  const logger = createLogger({ name: 'test', level: 'fatal', pretty: false });
  const bus = createMessageBus({ brokers: config.kafka.brokers, clientId: `test-${run}`, logger });
  const topics = serviceTopics(config.kafka.topics);
  await bus.ensureTopics(topics, { partitions: 3, replicationFactor: 1 });
  const producer: BusProducer = await bus.createProducer();

  const seen: SeenRecord[] = [];
  const inbound = new Set([
    config.kafka.topics.orderPlaced,
    config.kafka.topics.orderConfirmed,
    config.kafka.topics.orderCancelled,
    config.kafka.topics.skuCreated,
    config.kafka.topics.productDefault,
  ]);
  const watched = topics.filter((t) => !inbound.has(t));
  // Every event the pipeline publishes is checked against the AsyncAPI document; close() fails
  // the test that saw one the document does not describe.
  const checkEvent = asyncApiEventCheck(
    buildAsyncApiDocument({ topics: config.kafka.topics, source: config.events.source }),
  );
  const undocumented: string[] = [];
  const collector = bus.kafkajs.consumer({ groupId: `test-collector-${run}`, maxWaitTimeInMs: 500 });
  await collector.connect();
  await collector.subscribe({ topics: watched, fromBeginning: true });
  // A rebalance redelivers what the collector had not committed yet: keep each record once.
  const offsets = new Set<string>();
  await collector.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const id = `${batch.topic}/${batch.partition}/${message.offset}`;
        if (offsets.has(id)) continue;
        offsets.add(id);
        const record = toSeen(batch.topic, message);
        seen.push(record);
        if (!record.topic.endsWith('.DLT'))
          undocumented.push(...checkEvent(record.topic, record.key, record.value));
      }
    },
  });

  const runner = createConfiguredStockRunner(redis, config);
  // A new database and key prefix are a restored, empty store: mark it so, as the relay would (the
  // scripts refuse to run without the marker). Tests of the restore delete it themselves.
  await markRestored(redis, runner);
  return {
    run,
    config,
    env,
    redis,
    knex,
    bus,
    runner,
    seen,
    // Like a real order service, the test producer retries while the broker is unavailable
    // (the fault suite freezes it for 10 s); kafkajs gives up after its own few retries.
    async send(topic, records) {
      const messages = records.map((r) => ({ topic, key: r.key ?? null, value: r.value }));
      for (let attempt = 1; ; attempt++) {
        try {
          return await producer.send(messages);
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    },
    async waitFor(what, done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(seen)) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${what}; seen ${seen.length}: ${seen.map((s) => s.event?.type ?? s.topic).join(', ')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return seen;
    },
    async close() {
      await collector.disconnect();
      await producer.disconnect();
      await removeKafkaRun(bus, topics, run);
      await deleteByPrefix(redis, config.stock.keyPrefix);
      redis.disconnect();
      await knex.raw(`DROP DATABASE IF EXISTS \`${config.database.database}\``);
      await knex.destroy();
      if (undocumented.length > 0) {
        throw new Error(
          `events that break the AsyncAPI document:\n  ${undocumented.slice(0, 20).join('\n  ')}`,
        );
      }
    },
  };
}

/**
 * Deletes a run's topics and consumer groups. A single local broker that keeps every test's topics
 * (thousands after a day of runs) gets slow to rebalance, and the fault suite's broker freeze then
 * outlasts its deadlines. Best effort: a group a killed process still holds stays.
 */
async function removeKafkaRun(bus: MessageBus, topics: string[], run: string): Promise<void> {
  const admin = bus.kafkajs.admin();
  try {
    await admin.connect();
    const present = new Set(await admin.listTopics());
    const mine = [...new Set(topics)].filter((t) => present.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((id) => id.includes(run));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => {});
  } catch {
    // cleanup only: a broker that does not answer must not fail the test that used it
  } finally {
    await admin.disconnect();
  }
}

/** The env of a stack on the local Redis Cluster (scripts/redis-cluster.sh) with `shards` shards. */
export function clusterEnv(shards = 16): Record<string, string> {
  return {
    STOCK_SHARDS: String(shards),
    REDIS_CLUSTER_NODES: testClusterNodes()
      .map((n) => `${n.host}:${n.port}`)
      .join(','),
  };
}

/** Where the pipeline suites run: one Redis with one shard, and the cluster with 16 shards. */
export const pipelineTargets = [
  { target: 'one Redis, 1 shard', env: {} as Record<string, string> },
  { target: 'Redis Cluster, 16 shards', env: clusterEnv(16) },
];

/** Until the relay has set the restored-data marker (after a start, a FLUSHALL, a lost Redis). */
export async function waitUntilRestored(stack: TestStack, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await isRestored(stack.redis, stack.runner.layout))) {
    if (Date.now() - started > timeoutMs) throw new Error(`not restored within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A stack with the worker and the active relay running in this process. */
export interface RunningPipeline {
  stack: TestStack;
  worker: Worker;
  relay: ActiveRelay;
  stop(): Promise<void>;
}

export async function startPipeline(extraEnv: Record<string, string> = {}): Promise<RunningPipeline> {
  const stack = await startTestStack(extraEnv);
  const logger = createLogger({ name: 'test', level: 'fatal', pretty: false });
  const worker = createWorker({
    config: stack.config,
    logger,
    bus: stack.bus,
    redis: stack.redis,
    runner: stack.runner,
  });
  await worker.start();
  // One active relay per shard, as relay processes holding every shard's lock would run them.
  const relays = await Promise.all(
    Array.from({ length: stack.runner.layout.count }, (_, shard) =>
      startActiveRelay({ ...stack, logger, runner: stack.runner, shard }),
    ),
  );
  const relay: ActiveRelay = { stop: async () => void (await Promise.all(relays.map((r) => r.stop()))) };
  // Like the API and the workers, tests write only once the relay has set the restored marker.
  await waitUntilRestored(stack, 60_000);
  return {
    stack,
    worker,
    relay,
    async stop() {
      await worker.stop();
      await relay.stop();
      await stack.close();
    },
  };
}

export const ofType = (seen: SeenRecord[], type: string) => seen.filter((s) => s.event?.type === type);

/** Waits until MariaDB's snapshot of every SKU equals Redis (the relay has drained the journal). */
export async function waitForDurableEqualsLive(stack: TestStack, skuIds: string[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await stack.runner.getMany(skuIds);
    const rows = await stack.knex('inventory_snapshot').whereIn('sku_id', skuIds);
    const durable = new Map(rows.map((r: { sku_id: string }) => [r.sku_id, r]));
    const same = live.every((s, i) => {
      const row = durable.get(skuIds[i] as string) as
        | { total: number; reserved: number; version: number }
        | undefined;
      return s === null
        ? row === undefined
        : row?.total === s.total && row.reserved === s.reserved && row.version === s.version;
    });
    if (same) return;
    if (Date.now() > deadline)
      throw new Error(`MariaDB snapshot differs from Redis: ${JSON.stringify({ live, rows })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An inbound CloudEvent as the order service writes it (record value). */
export function orderEvent(id: string, type: string, data: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    specversion: '1.0',
    type,
    source: 'order-service',
    time: '2026-03-03T09:15:30Z',
    data,
  });
}
