import { type Admin, Kafka, logLevel as KafkaLogLevel, type LogEntry, Partitioners } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { type GroupTopics, type PartitionLag, readConsumerLag } from './kafka.lag.js';

/**
 * The service's only view of the Kafka client. Everything else talks to these interfaces, so the
 * client (kafkajs today) can be swapped without touching handlers, the relay or tests.
 */
export interface OutgoingMessage {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface BusProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas (acks=all). */
  send(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
}

export interface MessageBus {
  /** Resolves when the cluster answers an admin request. */
  ping(): Promise<void>;
  /** Creates the topics that do not exist yet; safe to run concurrently and repeatedly. */
  ensureTopics(topics: string[], spec: TopicSpec): Promise<{ created: string[]; existing: string[] }>;
  createProducer(): Promise<BusProducer>;
  /** Uncommitted messages per group and partition; rejects after `timeoutMs` (a metrics scrape must not hang). */
  consumerLag(groups: GroupTopics[], timeoutMs?: number): Promise<PartitionLag[]>;
  /** The underlying kafkajs client, for the consumer adapter only. */
  readonly kafkajs: Kafka;
}

export interface MessageBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

export function createMessageBus(options: MessageBusOptions): MessageBus {
  const log = options.logger.child({ component: 'kafka' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => forwardLog(log, entry),
    retry: { initialRetryTime: 200, retries: 8 },
  });
  return {
    kafkajs: kafka,
    async ping() {
      await withAdmin(kafka, (admin) => admin.describeCluster());
    },
    ensureTopics(topics, spec) {
      return withAdmin(kafka, async (admin) => {
        const present = new Set(await admin.listTopics());
        const created = topics.filter((t) => !present.has(t));
        if (created.length > 0) {
          // A concurrent creator makes createTopics answer false instead of failing: both are fine.
          await admin.createTopics({
            waitForLeaders: false,
            topics: created.map((topic) => ({
              topic,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor,
            })),
          });
          await waitForLeaders(admin, created);
        }
        return { created, existing: topics.filter((t) => present.has(t)) };
      });
    },
    consumerLag(groups, timeoutMs = 2_000) {
      return withDeadline(
        withAdmin(kafka, (admin) => readConsumerLag(admin, groups)),
        timeoutMs,
      );
    },
    async createProducer() {
      // One request in flight keeps per-key order across retries. Delivery is at least once: a
      // retried or re-published event keeps its id, so consumers de-duplicate by id. (kafkajs's
      // idempotent mode would demand unbounded retries, which would hang shutdown while the broker is down.)
      const producer = kafka.producer({
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return {
        async send(messages) {
          const byTopic = new Map<string, OutgoingMessage[]>();
          for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, list]) => ({
              topic,
              messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
            })),
          });
        },
        disconnect: () => producer.disconnect(),
      };
    },
  };
}

/**
 * Until every partition of the new topics has a leader. kafkajs's own wait (waitForLeaders) gives
 * up on the first "This server does not host this topic-partition", which a KRaft broker answers
 * for a moment after creating a topic while it is busy; here that answer means "not yet".
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const led = metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led && metadata.length === topics.length) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function forwardLog(log: Logger, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  const fields = { ...rest, namespace: entry.namespace };
  if (entry.level === KafkaLogLevel.ERROR) log.error(fields, message);
  else if (entry.level === KafkaLogLevel.WARN) log.warn(fields, message);
  else log.debug(fields, message);
}
