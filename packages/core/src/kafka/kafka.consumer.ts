import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import type { MessageBus } from './kafka.adapter.js';
import {
  COMMIT_INTERVAL_MS,
  type CommitOffsets,
  createOffsetCommitter,
  type OffsetCommitter,
} from './offset.committer.js';

/** Longest time the broker holds a fetch that finds no record. */
export const FETCH_MAX_WAIT_MS = 500;

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
  /** Runs until stop(); an offset is committed only after the handler returned for its message. */
  run(handler: BatchHandler): Promise<void>;
  /** Stops fetching, lets the batch in flight finish, commits what was handled, then leaves the group. */
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
 * resolved and recorded, and the recorded offsets are committed every COMMIT_INTERVAL_MS and when
 * the consumer stops (offset.committer.ts). A throwing handler records nothing for that chunk;
 * kafkajs restarts the consumer from the last committed offset after a backoff, so
 * infrastructure errors are retried, never skipped. The handler must be idempotent, which the
 * stock scripts are.
 */
export function createBusConsumer(bus: MessageBus, options: ConsumerOptions): BusConsumer {
  const log = options.logger.child({ component: 'consumer', groupId: options.groupId });
  const maxChunk = options.maxChunk ?? 500;
  const consumer: Consumer = bus.kafkajs.consumer({
    groupId: options.groupId,
    // A fetch is a long poll: the broker answers as soon as one record is there (minBytes 1), so
    // this bounds only how often an idle consumer asks again. At 50 ms an idle worker (four
    // groups) used about 0.1 core, and the broker about as much to answer it.
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    // A crashed member holds its partitions until its session times out: 10 s (Kafka's default
    // is 45 s) bounds how long a SIGKILLed worker's partitions wait for a replacement.
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 2_000,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: Number.MAX_SAFE_INTEGER },
  });
  const committer = createOffsetCommitter(log);
  const commit: CommitOffsets = (offsets) => consumer.commitOffsets(offsets);
  let stopping = false;
  const timer = setInterval(() => void committer.flush(commit), COMMIT_INTERVAL_MS);
  timer.unref();
  return {
    async run(handler) {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        // Partitions are independent (per-key order lives inside one): handle them side by side.
        partitionsConsumedConcurrently: 4,
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          await handleBatch(payload, handler, maxChunk, committer, log);
          // A batch that finishes while the consumer stops commits before kafkajs leaves the group.
          if (stopping) await committer.flush(commit);
        },
      });
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      await committer.flush(commit);
      await consumer.disconnect();
    },
  };
}

async function handleBatch(
  payload: EachBatchPayload,
  handler: BatchHandler,
  maxChunk: number,
  committer: OffsetCommitter,
  log: Logger,
) {
  const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
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
      committer.handled(batch.topic, batch.partition, last.offset);
    }
    await heartbeat();
  }
  log.debug(
    { topic: batch.topic, partition: batch.partition, count: batch.messages.length },
    'batch handled',
  );
}
