import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from '../logging/logger.js';
import type { OutboundSettings } from '../outbox/outbound.events.js';
import { parseJournalFields } from '../stock/stock.journal.js';
import { type JournalMessage, toJournalRows } from './journal.rows.js';
import { storeJournalRows } from './journal.store.js';

export interface JournalDrainerOptions {
  redis: Redis;
  knex: Knex;
  journalKey: string;
  outbound: OutboundSettings;
  logger: Logger;
  batchSize: number;
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
}

type StreamReply = [string, [string, string[]][]][] | null;

/**
 * Journal → MariaDB. Entries are read with XREADGROUP, written in one transaction per batch, and
 * only then acknowledged and deleted from the stream. A crash between commit and XACK leaves them
 * pending: the next drain reads them again (pending first) and re-applies them, which changes
 * nothing because every row is keyed by the journal id or event id.
 */
export function createJournalDrainer(options: JournalDrainerOptions): JournalDrainer {
  const { redis, knex, journalKey, logger } = options;
  const group = options.group ?? 'relay';
  const consumer = options.consumer ?? 'relay';
  const log = logger.child({ component: 'journal-drainer' });
  let groupReady = false;
  let pendingFirst = true;

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
    let reply: StreamReply;
    try {
      reply = (await redis.call('XREADGROUP', ...args, 'STREAMS', journalKey, from)) as StreamReply;
    } catch (err) {
      // The stream and its group vanished (FLUSHALL, a Redis restart without AOF): recreate both.
      if (!String((err as Error).message).includes('NOGROUP')) throw err;
      groupReady = false;
      pendingFirst = true;
      await ensureGroup();
      return [];
    }
    const entries = reply?.[0]?.[1] ?? [];
    if (pendingFirst && entries.length === 0) pendingFirst = false;
    return entries.map(([id, fields]) => {
      const at = fields.indexOf('e');
      return { id, raw: fields[at + 1] ?? '', entry: parseJournalFields(fields) };
    });
  }

  return {
    async drainOnce(blockMs) {
      await ensureGroup();
      const messages = await read(blockMs);
      if (messages.length === 0) return { entries: 0, outboxRows: 0 };
      const started = Date.now();
      const rows = toJournalRows(messages, options.outbound);
      const outboxRows = await storeJournalRows(knex, rows);
      const ids = messages.map((m) => m.id);
      await redis
        .multi()
        .xack(journalKey, group, ...ids)
        .xdel(journalKey, ...ids)
        .exec();
      log.debug({ entries: ids.length, outboxRows, ms: Date.now() - started }, 'journal batch stored');
      return { entries: ids.length, outboxRows };
    },
  };
}
