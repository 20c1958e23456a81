import {
  type BusConsumer,
  type BusProducer,
  type Config,
  type ConsumedMessage,
  createBusConsumer,
  type InboundKind,
  InventoryError,
  isRestored,
  type Logger,
  type MessageBus,
  type OutgoingMessage,
  parseInbound,
  type StockRunner,
  type WorkerConsumer,
} from '@inventory/core';
import type { Redis } from 'ioredis';
import { toDeadLetter } from './dead-letter.js';
import { queueInboundEvent, toHandledOutcome } from './handlers/inbound-event.handler.js';
import type { WorkerMetrics } from './worker.metrics.js';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  bus: MessageBus;
  redis: Redis;
  runner: StockRunner;
  metrics?: WorkerMetrics;
}

/** Thrown while Redis is being restored: the chunk is not committed and comes again later. */
export class RedisRestoringError extends InventoryError {
  constructor() {
    super('Redis is being restored from MariaDB; consumption paused', {
      code: 'INV_RESTORING',
      retryable: true,
    });
  }
}

export type WorkerStatus = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

export interface Worker {
  readonly status: WorkerStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Role {
  name: WorkerConsumer;
  kind: InboundKind;
  topics: string[];
}

function rolesOf(config: Config): Role[] {
  const t = config.kafka.topics;
  const all: Role[] = [
    { name: 'order-placed', kind: 'order.placed', topics: [t.orderPlaced] },
    { name: 'order-confirmed', kind: 'order.confirmed', topics: [t.orderConfirmed] },
    { name: 'order-cancelled', kind: 'order.cancelled', topics: [t.orderCancelled] },
    { name: 'sku-created', kind: 'product.sku.created', topics: [t.skuCreated, t.productDefault] },
  ];
  return all.filter((role) => config.worker.consumers.includes(role.name));
}

/**
 * One consumer group per role (`<KAFKA_GROUP_ID>.<role>`), so each topic scales on its own: more
 * worker replicas with WORKER_CONSUMERS=order-placed add consumers for that topic only.
 */
export function groupIdFor(config: Config, role: WorkerConsumer): string {
  return `${config.kafka.groupId}.${role}`;
}

export function createWorker(deps: WorkerDeps): Worker {
  let status: WorkerStatus = 'starting';
  let producer: BusProducer | undefined;
  const consumers: BusConsumer[] = [];

  async function handle(
    role: Role,
    groupId: string,
    messages: ConsumedMessage[],
    log: Logger,
  ): Promise<void> {
    if (!(await isRestored(deps.redis, deps.runner.keys))) {
      deps.metrics?.paused.inc();
      throw new RedisRestoringError();
    }
    const endTimer = deps.metrics?.chunkSeconds.startTimer({ role: role.name });
    const deadLetters: OutgoingMessage[] = [];
    const deadLetter = (message: ConsumedMessage, reason: string, detail: string) => {
      deadLetters.push(toDeadLetter(message, groupId, reason, detail));
      log.warn({ offset: message.offset, reason, detail }, 'message dead-lettered');
    };
    const batch = deps.runner.batch();
    const queued: { message: ConsumedMessage; outcome: ReturnType<typeof queueInboundEvent> }[] = [];
    let ignored = 0;
    for (const message of messages) {
      const parsed = parseInbound(role.kind, message.value);
      if (parsed.status === 'poison') deadLetter(message, parsed.reason, parsed.detail);
      else if (parsed.status === 'ok')
        queued.push({ message, outcome: queueInboundEvent(batch, parsed.event) });
      else ignored += 1;
    }
    // One pipeline for the whole chunk; a Redis failure throws and the chunk is redelivered.
    await batch.exec();
    for (const { message, outcome } of queued) {
      const handled = toHandledOutcome(await outcome);
      if (handled.status === 'rejected') deadLetter(message, handled.reason, handled.detail);
    }
    if (deadLetters.length > 0) await producer?.send(deadLetters);
    const count = (outcome: string, n: number) => deps.metrics?.messages.inc({ role: role.name, outcome }, n);
    count('applied', messages.length - deadLetters.length - ignored);
    count('dead_lettered', deadLetters.length);
    count('ignored', ignored);
    endTimer?.();
  }

  return {
    get status() {
      return status;
    },
    async start() {
      producer = await deps.bus.createProducer();
      for (const role of rolesOf(deps.config)) {
        const groupId = groupIdFor(deps.config, role.name);
        const log = deps.logger.child({ component: 'consumer', role: role.name });
        const consumer = createBusConsumer(deps.bus, {
          groupId,
          topics: role.topics,
          logger: deps.logger,
          fromBeginning: deps.config.worker.fromBeginning,
          maxChunk: deps.config.worker.batchSize,
        });
        consumers.push(consumer);
        await consumer.run((messages) => handle(role, groupId, messages, log));
        log.info({ groupId, topics: role.topics }, 'consuming');
      }
      status = 'running';
    },
    async stop() {
      status = 'draining';
      await Promise.allSettled(consumers.map((c) => c.stop()));
      await producer?.disconnect();
      status = 'stopped';
    },
  };
}
