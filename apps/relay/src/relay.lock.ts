import type { Logger } from '@inventory/core';
import type { Knex } from 'knex';

/**
 * The relay's MariaDB locks: one per shard (docs/sharding.md, "Relays"), all held on one
 * connection taken out of Knex's pool for as long as this relay holds any. GET_LOCK belongs to a
 * connection, and the server frees every lock of it the moment that connection dies (SIGKILL,
 * crash, network loss), so a standby takes over within its next attempt, with no lease to expire.
 */
export interface RelayLocks {
  /** Waits up to `waitSeconds` for the lock; true when this relay now holds it. */
  acquire(name: string, waitSeconds: number): Promise<boolean>;
  /** Which of these locks this relay still holds (none once the connection is gone). */
  held(names: readonly string[]): Promise<Set<string>>;
  release(name: string): Promise<void>;
  releaseAll(): Promise<void>;
}

/** A driver connection taken out of Knex's pool; queries run on it with `.connection()`. */
type RawConnection = object;

export function createRelayLocks(knex: Knex, logger: Logger): RelayLocks {
  let connection: RawConnection | undefined;
  const client = knex.client as {
    acquireConnection(): Promise<RawConnection>;
    releaseConnection(c: RawConnection): Promise<void>;
  };
  // knex.raw returns [rows, fields] on MariaDB.
  async function query<T>(c: RawConnection, sql: string, bindings: unknown[]): Promise<T[]> {
    const [rows] = await knex.raw(sql, bindings as Knex.RawBinding[]).connection(c);
    return rows as T[];
  }

  async function drop(): Promise<void> {
    const c = connection;
    connection = undefined;
    if (c) await client.releaseConnection(c).catch(() => {});
  }

  return {
    async acquire(name, waitSeconds) {
      connection ??= await client.acquireConnection();
      try {
        const rows = await query<{ got: number }>(connection, 'SELECT GET_LOCK(?, ?) AS got', [
          name,
          waitSeconds,
        ]);
        const got = Number(rows[0]?.got) === 1;
        if (got) logger.info({ lock: name }, 'relay lock acquired');
        return got;
      } catch (err) {
        await drop(); // a dead connection holds nothing: start over on a new one
        throw err;
      }
    },
    async held(names) {
      if (!connection || names.length === 0) return new Set();
      try {
        const checks = names.map((_, i) => `IS_USED_LOCK(?) = CONNECTION_ID() AS h${i}`).join(', ');
        const [row] = await query<Record<string, number>>(connection, `SELECT ${checks}`, [...names]);
        return new Set(names.filter((_, i) => Number(row?.[`h${i}`]) === 1));
      } catch (err) {
        logger.error({ err }, 'relay lock connection lost');
        await drop();
        return new Set();
      }
    },
    async release(name) {
      if (!connection) return;
      await query(connection, 'SELECT RELEASE_LOCK(?)', [name]).catch(() => {});
    },
    async releaseAll() {
      if (!connection) return;
      await query(connection, 'SELECT RELEASE_ALL_LOCKS()', []).catch(() => {});
      await drop();
    },
  };
}
