import type { Knex } from 'knex';
import type { BusProducer } from '../kafka/kafka.adapter.js';
import type { Logger } from '../logging/logger.js';

export interface OutboxPublisherOptions {
  knex: Knex;
  producer: BusProducer;
  logger: Logger;
  batchSize: number;
  /** Told how long each send took until the broker acknowledged it (acks=all). */
  onPublish?: (events: number, seconds: number) => void;
}

export interface OutboxPublisher {
  /** Sends up to one batch of unpublished rows, oldest first; returns how many were published. */
  publishOnce(): Promise<number>;
  /** Deletes published rows older than the retention; returns how many were deleted. */
  purge(retentionHours: number): Promise<number>;
}

interface OutboxRecord {
  id: number;
  topic: string;
  message_key: string;
  payload: string;
}

/**
 * The fields to follow one event through the logs. The payload is parsed only at debug level:
 * one line per event would flood the logs at thousands of orders per second.
 */
function describeEvent(row: OutboxRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = { topic: row.topic, key: row.message_key };
  try {
    const event = JSON.parse(row.payload) as {
      id?: unknown;
      type?: unknown;
      data?: { correlationId?: unknown };
    };
    Object.assign(fields, { eventId: event.id, type: event.type, correlationId: event.data?.correlationId });
  } catch {
    // Rows are written by the drainer as JSON; a broken one is still published and shown by key.
  }
  return fields;
}

/**
 * Outbox → Kafka. Rows go out in id order (the journal's order) in one request with acks=all and
 * one request in flight, so events of one key keep their order. Rows are marked only after the
 * broker acknowledged them: a crash in between re-sends them with the same event id (at least
 * once; consumers de-duplicate by id).
 */
export function createOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const { knex, producer } = options;
  const log = options.logger.child({ component: 'outbox-publisher' });
  return {
    async publishOnce() {
      const rows: OutboxRecord[] = await knex('inventory_outbox')
        .select('id', 'topic', 'message_key', 'payload')
        .whereNull('published_at')
        .orderBy('id')
        .limit(options.batchSize);
      if (rows.length === 0) return 0;
      const started = performance.now();
      await producer.send(rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.payload })));
      const sentMs = performance.now() - started;
      options.onPublish?.(rows.length, sentMs / 1000);
      await knex('inventory_outbox')
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({ published_at: knex.fn.now(3) });
      const ms = Math.round(performance.now() - started);
      log.debug({ count: rows.length, ms, sendMs: Math.round(sentMs) }, 'outbox rows published');
      if (log.isLevelEnabled('debug'))
        for (const row of rows) log.debug(describeEvent(row), 'event published');
      return rows.length;
    },
    async purge(retentionHours) {
      const deleted = await knex('inventory_outbox')
        .whereNotNull('published_at')
        .where('published_at', '<', knex.raw('NOW(3) - INTERVAL ? HOUR', [retentionHours]))
        .limit(10_000)
        .delete();
      if (deleted > 0) log.info({ deleted }, 'published outbox rows purged');
      return deleted;
    },
  };
}
