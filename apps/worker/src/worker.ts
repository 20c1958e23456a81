import {
  type BusConsumer,
  type BusProducer,
  type Config,
  type ConsumedMessage,
  createBusConsumer,
  type GroupTopics,
  type InboundEvent,
  type InboundKind,
  type Logger,
  type MessageBus,
  type OutgoingMessage,
  parseInbound,
  type RedisClient,
  StockRestoringError,
  type StockRunner,
  stockOutcomeLabel,
  type WorkerConsumer,
} from '@inventory/core';
import { toDeadLetter } from './dead-letter.js';
import { actionOf, queueInboundEvent, toHandledOutcome } from './handlers/inbound-event.handler.js';
import type { WorkerMetrics } from './worker.metrics.js';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  bus: MessageBus;
  redis: RedisClient;
  runner: StockRunner;
  metrics?: WorkerMetrics;
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
 * One consumer group per role (`<KAFKA_GROUP_ID_PREFIX>.<role>`), so each topic scales on its own: more
 * worker replicas with WORKER_CONSUMERS=order-placed add consumers for that topic only.
 */
export function groupIdFor(config: Config, role: WorkerConsumer): string {
  return `${config.kafka.groupIdPrefix}.${role}`;
}

/** The consumer groups this worker runs and their topics (for the consumer lag metric). */
export function consumerGroupsOf(config: Config): GroupTopics[] {
  return rolesOf(config).map((role) => ({ groupId: groupIdFor(config, role.name), topics: role.topics }));
}

interface Queued {
  message: ConsumedMessage;
  event: InboundEvent;
  outcome: ReturnType<typeof queueInboundEvent>;
}

/** What follows one inbound event through the logs: its correlationId, as the outbound event carries it. */
function eventLine(message: ConsumedMessage, event: InboundEvent, outcome: string): Record<string, unknown> {
  return {
    correlationId: event.correlationId,
    eventId: event.eventId,
    type: event.kind,
    key: message.key?.toString() ?? null,
    partition: message.partition,
    offset: message.offset,
    outcome,
  };
}

/**
 * Awaits each queued command: what the runner refused goes to the dead-letter topic, every event
 * is logged at debug (at info, 2,000 orders/s would be 2,000 lines/s from each worker), and the
 * outcomes are counted by label for the metric.
 */
async function settleOutcomes(
  queued: Queued[],
  log: Logger,
  deadLetter: (message: ConsumedMessage, reason: string, detail: string) => void,
): Promise<Map<string, number>> {
  const outcomes = new Map<string, number>();
  const debug = log.isLevelEnabled('debug');
  // Every command is settled before any failure is thrown, so none is left rejecting unobserved.
  const settled = await Promise.allSettled(queued.map((q) => q.outcome));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const [i, { message, event }] of queued.entries()) {
    const result = (settled[i] as PromiseFulfilledResult<Awaited<Queued['outcome']>>).value;
    const label = stockOutcomeLabel(result);
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    const handled = toHandledOutcome(result);
    if (handled.status === 'rejected') deadLetter(message, handled.reason, handled.detail);
    if (debug) log.debug(eventLine(message, event, label), 'event handled');
  }
  return outcomes;
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
    const endTimer = deps.metrics?.chunkSeconds.startTimer({ role: role.name });
    const deadLetters: OutgoingMessage[] = [];
    const deadLetter = (message: ConsumedMessage, reason: string, detail: string) => {
      deadLetters.push(toDeadLetter(message, groupId, reason, detail));
      log.warn({ offset: message.offset, reason, detail }, 'message dead-lettered');
    };
    const batch = deps.runner.batch();
    const queued: Queued[] = [];
    let ignored = 0;
    for (const message of messages) {
      const parsed = parseInbound(role.kind, message.value);
      if (parsed.status === 'poison') deadLetter(message, parsed.reason, parsed.detail);
      else if (parsed.status === 'ok')
        queued.push({ message, event: parsed.event, outcome: queueInboundEvent(batch, parsed.event) });
      else ignored += 1;
    }
    // One pipeline for the whole chunk; a Redis failure throws and the chunk is redelivered.
    // Each script checks the restored-data marker itself: while Redis is being restored they all
    // refuse, and the chunk is not committed and comes again (no separate check per chunk).
    await batch.exec();
    const outcomes = await settleOutcomes(queued, log, deadLetter).catch((err: unknown) => {
      if (err instanceof StockRestoringError) deps.metrics?.paused.inc();
      throw err;
    });
    for (const [outcome, n] of outcomes)
      deps.metrics?.stockOutcomes.inc({ action: actionOf[role.kind], outcome }, n);
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
