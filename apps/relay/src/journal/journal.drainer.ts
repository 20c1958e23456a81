import type { Logger, RedisClient } from '@inventory/core';
import { parseJournalFields } from '@inventory/core';
import type { Knex } from 'knex';
import type { OutboundSettings } from '../outbox/outbound.events.js';
import type { JournalMessage, JournalSource } from './journal.rows.js';
import { createJournalStore, type OutboxRecord } from './journal.store.js';

export interface JournalDrainerOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  redis: RedisClient;
  knex: Knex;
  journalKey: string;
  /** Which shard's journal this is, and whether stored ids are qualified with it. */
  source?: JournalSource;
  outbound: OutboundSettings;
  logger: Logger;
  batchSize: number;
  /**
   * Told the outbox rows each transaction inserted, in id order, right after it committed: the
   * publisher sends them without reading them back from MariaDB.
   */
  onStored?: (rows: OutboxRecord[]) => void;
  /** Consumer group and name: one active relay, so one fixed consumer that a standby inherits. */
  group?: string;
  consumer?: string;
}

export interface DrainResult {
  entries: number;
  outboxRows: number;
}

export interface JournalDrainer {
  /** Moves up to one batch into MariaDB, waiting up to `blockMs` for new entries. */
  drainOnce(blockMs: number): Promise<DrainResult>;
  /** Closes the drainer's own MariaDB connection. */
  close(): Promise<void>;
}

type StreamReply = [string, [string, string[]][]][] | null;

/**
 * SKU rows per MariaDB transaction: a bulk entry carries up to 1000 SKUs (a ledger row and one or
 * two outbox rows each), so a batch counted in entries alone could make a transaction of 500,000
 * rows. Entries are never split: an entry larger than the cap is one transaction on its own.
 */
export const MAX_SKUS_PER_TRANSACTION = 5_000;

/** Consecutive runs of entries holding at most `max` SKU changes each (an entry counts at least 1). */
export function splitBySkus(messages: JournalMessage[], max: number): JournalMessage[][] {
  const parts: JournalMessage[][] = [];
  let part: JournalMessage[] = [];
  let skus = 0;
  for (const message of messages) {
    const size = Math.max(1, message.entry.skus.length);
    if (part.length > 0 && skus + size > max) {
      parts.push(part);
      part = [];
      skus = 0;
    }
    part.push(message);
    skus += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Journal → MariaDB. Entries are read with XREADGROUP, written in one transaction per batch (split
 * so that no transaction holds more than MAX_SKUS_PER_TRANSACTION SKU changes), and only then
 * acknowledged and deleted from the stream. The XACK + XDEL is not awaited: it goes out on the
 * same connection right before the next XREADGROUP, so it costs no round trip of its own. A crash
 * (or a failed XACK) between commit and acknowledgement leaves the entries pending: the next
 * drain reads them again (pending first) and re-applies them, which changes nothing because every
 * row is keyed by the journal id or event id.
 */
export function createJournalDrainer(options: JournalDrainerOptions): JournalDrainer {
  const { redis, knex, journalKey, logger } = options;
  const group = options.group ?? 'relay';
  const consumer = options.consumer ?? 'relay';
  const log = logger.child({ component: 'journal-drainer' });
  const journalStore = createJournalStore(knex, options.source);
  let groupReady = false;
  let pendingFirst = true;
  let acknowledging: Promise<void> = Promise.resolve();
  // A dropped connection (a single Redis's 'close', a cluster node's '-node') can swallow the answer
  // of a read Redis did serve: its entries are then pending for this consumer, unseen, and the
  // client resends the read, whose answer holds only later entries. See read().
  let connectionDrops = 0;
  const countDrop = () => {
    connectionDrops += 1;
  };
  redis.on('close', countDrop);
  redis.on('-node', countDrop);

  async function ensureGroup(): Promise<void> {
    if (groupReady) return;
    try {
      await redis.xgroup('CREATE', journalKey, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    groupReady = true;
  }

  async function read(blockMs: number): Promise<JournalMessage[]> {
    // '0' re-reads what was delivered to this consumer but never acknowledged (a crash mid-batch).
    const from = pendingFirst ? '0' : '>';
    const args: (string | number)[] = ['GROUP', group, consumer, 'COUNT', options.batchSize];
    if (!pendingFirst && blockMs > 0) args.push('BLOCK', blockMs);
    const dropsBefore = connectionDrops;
    let reply: StreamReply;
    try {
      reply = (await redis.call('XREADGROUP', ...args, 'STREAMS', journalKey, from)) as StreamReply;
    } catch (err) {
      // Redis may have served the read before the error (its answer lost with the connection).
      pendingFirst = true;
      // The stream and its group vanished (FLUSHALL, a Redis restart without AOF): recreate both.
      if (!String((err as Error).message).includes('NOGROUP')) throw err;
      groupReady = false;
      await ensureGroup();
      return [];
    }
    if (connectionDrops !== dropsBefore) {
      // This answer may be a resent read's, with entries pending before it that a lost answer
      // delivered: drop it (its entries stay pending too) and read every pending entry, in order.
      pendingFirst = true;
      return [];
    }
    const entries = reply?.[0]?.[1] ?? [];
    if (pendingFirst && entries.length === 0) pendingFirst = false;
    // Idle: look once at what is pending for this consumer, so that an entry stranded in a way not
    // foreseen above is still stored (late rather than never).
    else if (!pendingFirst && entries.length === 0 && blockMs > 0) pendingFirst = true;
    return entries.map(([id, fields]) => {
      const at = fields.indexOf('e');
      return { id, raw: fields[at + 1] ?? '', entry: parseJournalFields(fields) };
    });
  }

  /** Sends XACK + XDEL of stored entries without waiting; the next drain collects the answer. */
  function acknowledge(ids: string[]): void {
    const previous = acknowledging;
    const sent = redis
      .multi()
      .xack(journalKey, group, ...ids)
      .xdel(journalKey, ...ids)
      .exec();
    acknowledging = previous.then(() =>
      sent.then(
        () => undefined,
        (err) => {
          // Stored but still pending: read again first, and re-applied as a no-op.
          pendingFirst = true;
          log.warn({ err, entries: ids.length }, 'journal entries stored but not acknowledged');
        },
      ),
    );
  }

  /** One transaction; returns how many outbox rows it inserted. */
  async function store(part: JournalMessage[]): Promise<number> {
    const started = Date.now();
    const outbox = await journalStore.store(part, options.outbound);
    if (outbox.length > 0) options.onStored?.(outbox);
    acknowledge(part.map((m) => m.id));
    log.debug(
      { entries: part.length, outboxRows: outbox.length, ms: Date.now() - started },
      'journal batch stored',
    );
    return outbox.length;
  }

  return {
    async drainOnce(blockMs) {
      await ensureGroup();
      const reading = read(blockMs);
      await acknowledging;
      const messages = await reading;
      if (messages.length === 0) return { entries: 0, outboxRows: 0 };
      let outboxRows = 0;
      try {
        for (const part of splitBySkus(messages, MAX_SKUS_PER_TRANSACTION)) outboxRows += await store(part);
      } catch (err) {
        // What was read but not stored stays pending for this consumer: read it again first.
        pendingFirst = true;
        throw err;
      }
      return { entries: messages.length, outboxRows };
    },
    async close() {
      redis.off('close', countDrop);
      redis.off('-node', countDrop);
      await acknowledging;
      await journalStore.close();
    },
  };
}
