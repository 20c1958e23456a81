import knexFactory, { type Knex } from 'knex';
import type { OutboundSettings } from '../outbox/outbound.events.js';
import { changedSkuIds, type JournalMessage, type JournalSource, toJournalRows } from './journal.rows.js';
import { outboxStatements, recordStatements, thresholdStatements } from './journal.sql.js';

/** An outbox row the store just inserted: what the publisher sends, in id order. */
export interface OutboxRecord {
  id: number;
  topic: string;
  message_key: string;
  payload: string;
}

export interface JournalStore {
  /**
   * Writes one batch of journal entries in one transaction; returns the outbox rows it inserted
   * (a re-applied entry inserts none), in id order.
   */
  store(messages: JournalMessage[], settings: OutboundSettings): Promise<OutboxRecord[]>;
  close(): Promise<void>;
}

type RawResult = [unknown[], unknown];

/**
 * The drainer's own connection to MariaDB, with multi-statement queries allowed on it alone (the
 * service's shared pool keeps them off): a batch is two round trips whatever its size. It takes
 * the same settings as the knex instance it is given.
 */
export function createJournalStore(knex: Knex, source?: JournalSource): JournalStore {
  const config = knex.client.config as Knex.Config;
  const db = knexFactory({
    ...config,
    connection: { ...(config.connection as object), multipleStatements: true },
    pool: { min: 0, max: 1 },
  });
  const raw = (sql: string, bindings: unknown[]) =>
    db.raw(sql, bindings as Knex.RawBinding[]) as unknown as Promise<RawResult>;

  return {
    /**
     * (1) The low-stock thresholds of the batch's SKUs. Read just before the transaction: at READ
     * COMMITTED that sees what a read inside it would, the thresholds in force when the entry is
     * drained (normally milliseconds after the command ran). Event ids do not depend on them, so
     * a re-drained entry whose threshold changed cannot queue a second `stock.low`.
     * (2) One multi-statement query: the transaction with every insert and upsert, and COMMIT.
     * The server stops at the first failing statement, leaving the transaction open, and the
     * ROLLBACK here discards it; nothing of a failed batch is ever committed.
     */
    async store(messages, settings) {
      const thresholds = new Map<string, number>();
      for (const s of thresholdStatements(changedSkuIds(messages))) {
        const [rows] = await raw(s.sql, s.bindings);
        for (const r of rows as Array<{ sku_id: string; threshold: number }>)
          thresholds.set(r.sku_id, r.threshold);
      }
      const rows = toJournalRows(messages, settings, thresholds, source);
      const records = recordStatements(rows);
      const outbox = outboxStatements(rows.outbox);
      const statements = [...records, ...outbox];
      const sql = [
        'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
        'START TRANSACTION',
        ...statements.map((s) => s.sql),
        'COMMIT',
      ].join(';\n');
      const connection: unknown = await db.client.acquireConnection();
      try {
        const [results] = (await db
          .raw(sql, statements.flatMap((s) => s.bindings) as Knex.RawBinding[])
          .connection(connection)) as unknown as RawResult;
        // One result per statement: SET, START, the records, then the outbox inserts' RETURNING rows.
        const first = 2 + records.length;
        return results.slice(first, first + outbox.length).flatMap((r) => r as OutboxRecord[]);
      } catch (err) {
        // Also fails on a dead connection, which the pool then drops instead of reusing.
        await db
          .raw('ROLLBACK')
          .connection(connection)
          .catch(() => undefined);
        throw err;
      } finally {
        await db.client.releaseConnection(connection);
      }
    },
    close: () => db.destroy(),
  };
}
