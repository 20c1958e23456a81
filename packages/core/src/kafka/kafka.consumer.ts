import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import type { MessageBus } from './kafka.adapter.js';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** Processes every message of a batch, or throws to have the whole batch redelivered. */
export type BatchHandler = (messages: ConsumedMessage[]) => Promise<void>;

export interface BusConsumer {
  /** Runs until stop(); offsets are committed only after the handler returned for them. */
  run(handler: BatchHandler): Promise<void>;
  /** Stops fetching, lets the batch in flight finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  logger: Logger;
  /** Upper bound on messages handed to the handler at once (a batch is split into chunks). */
  maxChunk?: number;
}

/**
 * kafkajs consumer with manual commits: after the handler returns for a chunk, its last offset is
 * resolved and committed. A throwing handler commits nothing for that chunk; kafkajs restarts
 * the consumer from the last committed offset after a backoff, so infrastructure errors are
 * retried, never skipped. The handler must be idempotent, which the stock scripts are.
 */
export function createBusConsumer(bus: MessageBus, options: ConsumerOptions): BusConsumer {
  const log = options.logger.child({ component: 'consumer', groupId: options.groupId });
  const maxChunk = options.maxChunk ?? 500;
  const consumer: Consumer = bus.kafkajs.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 50,
    // A crashed member holds its partitions until its session times out: 10 s (Kafka's default
    // is 45 s) bounds how long a SIGKILLed worker's partitions wait for a replacement.
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 2_000,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: Number.MAX_SAFE_INTEGER },
  });
  return {
    async run(handler) {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        // Partitions are independent (per-key order lives inside one): handle them side by side.
        partitionsConsumedConcurrently: 4,
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => handleBatch(payload, handler, maxChunk, log),
      });
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}

async function handleBatch(payload: EachBatchPayload, handler: BatchHandler, maxChunk: number, log: Logger) {
  const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
  for (let start = 0; start < batch.messages.length; start += maxChunk) {
    // On shutdown or a rebalance, stop between chunks: what is committed is exactly what ran.
    if (!isRunning() || isStale()) return;
    const chunk = batch.messages.slice(start, start + maxChunk);
    await handler(
      chunk.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key,
        value: m.value,
      })),
    );
    const last = chunk[chunk.length - 1];
    if (last) {
      resolveOffset(last.offset);
      // Explicit offsets: without them kafkajs commits nothing when autoCommit is off.
      const next = (BigInt(last.offset) + 1n).toString();
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
      });
    }
    await heartbeat();
  }
  log.debug(
    { topic: batch.topic, partition: batch.partition, count: batch.messages.length },
    'batch committed',
  );
}
