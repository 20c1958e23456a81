import type { BusProducer, Logger } from '@inventory/core';
import type { Knex } from 'knex';
import type { OutboxRecord } from '../journal/journal.store.js';
import { createOutboxQueue } from './outbox.queue.js';

/** How long sent rows wait to be marked published, so one UPDATE covers many sends. */
export const MARK_INTERVAL_MS = 100;

export interface OutboxPublisherOptions {
  knex: Knex;
  producer: BusProducer;
  logger: Logger;
  /** The shard whose rows this publisher sends (each shard's rows are one drainer's, in commit order). */
  shard?: number;
  batchSize: number;
  /** Told how long each send took until the broker acknowledged it (acks=all). */
  onPublish?: (events: number, seconds: number) => void;
}

export interface OutboxPublisher {
  /** Rows the drainer has just committed, in id order (the drainer's onStored). */
  offer(rows: OutboxRecord[]): void;
  /** Something may be in MariaDB that was never offered (a store whose outcome is unknown): read it. */
  rescan(): void;
  /** Sends up to one batch of unpublished rows, oldest first; returns how many were published. */
  publishOnce(): Promise<number>;
  /** Waits until every row sent so far is marked published in MariaDB. */
  settle(): Promise<void>;
  /** Deletes published rows older than the retention; returns how many were deleted. */
  purge(retentionHours: number): Promise<number>;
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
 * one request in flight, so events of one key keep their order. At least once: a row is marked
 * published only after the broker acknowledged it, so a crash in between re-sends it with the
 * same event id (consumers de-duplicate by id).
 *
 * Two sources, one order. Normally the rows come straight from the drainer (offer), so a new
 * event costs no SELECT and waits for no poll. Whenever that stream may have a gap (at start,
 * after a failed send, after a store whose outcome is unknown, after the queue overflowed) the
 * publisher reads MariaDB instead: unpublished rows with an id above the last one sent, until a
 * read comes back short. Every row committed before that read is in it, and every row committed
 * after it was offered, so from then on the offered rows alone are complete; rows offered
 * meanwhile that the read already covered are skipped by id. This relies on one drainer per shard,
 * whose transactions commit one after the other, so a shard's ids grow in commit order: each
 * shard has its own publisher, which reads only its shard's rows.
 *
 * Marking is off the send path: sent rows are marked by one UPDATE every MARK_INTERVAL_MS, while
 * later batches are sent, and a failed UPDATE is retried with the next one. Until then a row only
 * looks unpublished; a relay that dies in between re-sends it after a restart, as at least once allows.
 */
export function createOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const { knex, producer, batchSize } = options;
  const log = options.logger.child({ component: 'outbox-publisher' });
  const queue = createOutboxQueue(batchSize * 100);
  let scanning = true;
  let lastSentId = 0;
  let unmarked: number[] = [];
  let marking: Promise<void> = Promise.resolve();
  let markTimer: NodeJS.Timeout | undefined;

  async function scan(): Promise<OutboxRecord[]> {
    const rows: OutboxRecord[] = await knex('inventory_outbox')
      .select('id', 'topic', 'message_key', 'payload')
      .where('shard', options.shard ?? 0)
      .whereNull('published_at')
      .where('id', '>', lastSentId)
      .orderBy('id')
      .limit(batchSize);
    if (rows.length < batchSize) scanning = false;
    return rows;
  }

  async function markUnmarked(): Promise<void> {
    if (unmarked.length === 0) return;
    const ids = unmarked;
    unmarked = [];
    try {
      await knex('inventory_outbox')
        .whereIn('id', ids)
        .update({ published_at: knex.fn.now(3) });
    } catch (err) {
      unmarked.push(...ids);
      log.warn({ err, rows: ids.length }, 'published rows not marked yet; retried with the next batch');
    }
  }

  /** Marks run at most every MARK_INTERVAL_MS, one UPDATE for every batch sent meanwhile. */
  function markPublished(ids: number[]): void {
    unmarked.push(...ids);
    markTimer ??= setTimeout(() => {
      markTimer = undefined;
      marking = marking.then(markUnmarked);
    }, MARK_INTERVAL_MS);
  }

  return {
    offer(rows) {
      if (!queue.push(rows)) {
        // More than the queue holds (the broker is away): MariaDB has them all.
        scanning = true;
        log.warn({ rows: rows.length }, 'outbox queue full: reading unpublished rows from MariaDB instead');
      }
    },
    rescan() {
      scanning = true;
    },
    async publishOnce() {
      const rows = scanning ? await scan() : queue.take(batchSize, lastSentId);
      if (rows.length === 0) return 0;
      const started = performance.now();
      try {
        await producer.send(rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.payload })));
      } catch (err) {
        // Some of them may have reached the broker: read from MariaDB again, from the last acknowledged id.
        scanning = true;
        throw err;
      }
      const sentMs = performance.now() - started;
      options.onPublish?.(rows.length, sentMs / 1000);
      lastSentId = rows[rows.length - 1]?.id ?? lastSentId;
      markPublished(rows.map((r) => r.id));
      log.debug({ count: rows.length, sendMs: Math.round(sentMs) }, 'outbox rows published');
      if (log.isLevelEnabled('debug'))
        for (const row of rows) log.debug(describeEvent(row), 'event published');
      return rows.length;
    },
    async settle() {
      clearTimeout(markTimer);
      markTimer = undefined;
      marking = marking.then(markUnmarked);
      await marking;
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
