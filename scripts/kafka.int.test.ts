// Integration test of the dev Kafka broker (scripts/kafka.sh) and the core Kafka adapter's topic creation.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMessageBus, loadConfig, serviceTopics } from '../packages/core/src/index.js';
import { testServices } from '../test/support/services.js';

const brokers = testServices.kafkaBrokers;
const config = loadConfig({ KAFKA_BROKERS: brokers.join(',') });
const partitions = config.kafka.partitions;
const run = randomUUID().slice(0, 8);
const bus = createMessageBus({
  brokers,
  clientId: `kafka-int-${run}`,
  logger: createLogger({ name: 'test', level: 'warn', pretty: false }),
});
const allTopics = () => serviceTopics(config.kafka.topics);
const createTopics = ({ topics }: { topics: string[] }) =>
  bus.ensureTopics(topics, { partitions, replicationFactor: 1 });
const kafka = bus.kafkajs;
const admin = kafka.admin();

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('kafka broker', () => {
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('when createTopics runs, every service topic exists with the configured partitions and a rerun creates nothing', async () => {
    const fresh = `test.kafka-int.${run}.fresh`;
    const first = await createTopics({ topics: [...allTopics(), fresh] });
    expect(first.created).toContain(fresh);
    const second = await createTopics({ topics: [...allTopics(), fresh] });
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(allTopics().length + 1);

    const { topics } = await admin.fetchTopicMetadata({ topics: [...allTopics(), fresh] });
    const counts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
    const expected = Object.fromEntries([...allTopics(), fresh].map((t) => [t, partitions]));
    expect(counts).toEqual(expected);
    expect(allTopics()).toHaveLength(19);
    expect(allTopics()).toContain('koosco.commerce.order.placed.DLT');
  });

  it('when a producer sends keyed messages, a consumer group receives exactly them and commits its offsets', async () => {
    const topic = `test.kafka-int.${run}.roundtrip`;
    const groupId = `kafka-int-${run}`;
    await createTopics({ topics: [topic] });
    const sent = Array.from({ length: 12 }, (_, i) => ({
      key: `sku-${i % 4}`,
      value: JSON.stringify({ i, run, text: 'ünïcode ✓' }),
    }));

    // DefaultPartitioner given explicitly: same as kafkajs 2.x default, without its partitioner warning.
    const producer = kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const received: { key: string; value: string; partition: number }[] = [];
    // Short fetch long-poll: disconnect() waits for the in-flight fetch (default up to 5 s).
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({ key: String(message.key), value: String(message.value), partition });
        },
      });
      await until('all messages', async () => (received.length >= sent.length ? true : undefined));

      // The committed offset of every partition reaches its high watermark (kafkajs commits after each
      // batch); a partition that got no message has no commit (-1).
      const high = await admin.fetchTopicOffsets(topic);
      const want = Object.fromEntries(high.map((h) => [h.partition, h.high === '0' ? '-1' : h.high]));
      const committed = await until('committed offsets', async () => {
        const [res] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const got = Object.fromEntries((res?.partitions ?? []).map((p) => [p.partition, p.offset]));
        return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
      }).catch(async (err) => {
        const [res] = await admin.fetchOffsets({ groupId, topics: [topic] });
        throw new Error(
          `${err.message}: want ${JSON.stringify(want)}, got ${JSON.stringify(res?.partitions)}`,
        );
      });
      const total = high.reduce((sum, h) => sum + Number(h.high), 0);
      expect(total).toBe(sent.length);
      expect(
        Object.values(committed)
          .filter((o) => o !== '-1')
          .reduce((sum, o) => sum + Number(o), 0),
      ).toBe(total);
    } finally {
      await consumer.disconnect();
    }

    const byKey = (a: { key: string; value: string }, b: { key: string; value: string }) =>
      a.key.localeCompare(b.key) || a.value.localeCompare(b.value);
    expect(received.map(({ key, value }) => ({ key, value })).sort(byKey)).toEqual([...sent].sort(byKey));
    // Same key, same partition.
    for (const key of new Set(sent.map((m) => m.key))) {
      expect(new Set(received.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
    }
  });

  // Only meaningful for the local broker this script manages; with another broker `up` would start one.
  it.skipIf(brokers.join(',') !== '127.0.0.1:9092')(
    'when kafka.sh up runs again while the broker runs, it exits 0 and reports it is already running',
    async () => {
      const script = fileURLToPath(new URL('./kafka.sh', import.meta.url));
      const env = { ...process.env };
      delete env.KAFKA_BROKERS; // with KAFKA_BROKERS set, `up` only waits and would not check its own broker
      const { stdout } = await promisify(execFile)('bash', [script, 'up'], {
        cwd: tmpdir(),
        env,
        timeout: 60_000,
      });
      expect(stdout).toMatch(/Kafka already running at 127\.0\.0\.1:9092/);
      expect(stdout).not.toMatch(/Starting Kafka/);
    },
  );
});
