import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createMessageBus } from './kafka.adapter.js';

// The broker of the integration project (test/global-setup.ts sets KAFKA_BROKERS).
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const run = randomUUID().slice(0, 8);
const topic = `test.kafka-lag.${run}`;
const groupId = `test-kafka-lag-${run}`;
const bus = createMessageBus({
  brokers,
  clientId: `kafka-lag-${run}`,
  logger: createLogger({ name: 'test', level: 'warn', pretty: false }),
});
let admin: Admin;

beforeAll(async () => {
  await bus.ensureTopics([topic], { partitions: 2, replicationFactor: 1 });
  admin = bus.kafkajs.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

const lagByPartition = async () =>
  Object.fromEntries(
    (await bus.consumerLag([{ groupId, topics: [topic] }])).map((r) => [r.partition, r.lag]),
  );

describe('MessageBus.consumerLag', () => {
  it('when a group has committed part of a partition, reports what is left on each partition', async () => {
    // Arrange: 5 messages on partition 0, 2 on partition 1, nothing committed yet
    const producer = bus.kafkajs.producer();
    await producer.connect();
    const messages = (partition: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'x', partition }));
    await producer.send({ topic, messages: [...messages(0, 5), ...messages(1, 2)] });
    await producer.disconnect();
    expect(await lagByPartition()).toEqual({ 0: 5, 1: 2 });

    // Act: the group commits offset 3 on partition 0 (three messages handled)
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });

    // Assert
    expect(await lagByPartition()).toEqual({ 0: 2, 1: 2 });
  });

  it('when the broker does not answer in time, rejects instead of hanging', async () => {
    const unreachable = createMessageBus({
      brokers: ['127.0.0.1:1'],
      clientId: `kafka-lag-down-${run}`,
      logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
    });
    const started = Date.now();
    await expect(unreachable.consumerLag([{ groupId, topics: [topic] }], 300)).rejects.toThrow(
      'no answer from Kafka within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
