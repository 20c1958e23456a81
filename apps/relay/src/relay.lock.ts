import type { Logger } from '@inventory/core';
import type { Knex } from 'knex';

/**
 * Keeps one relay active. MariaDB's GET_LOCK belongs to a connection: the lock is held on a
 * connection taken out of the pool for as long as this relay is active, and the server frees it
 * the moment that connection dies (SIGKILL, crash, network loss), so a standby takes over within
 * its next attempt, with no lease to expire.
 */
export interface RelayLock {
  /** Waits up to `waitSeconds` for the lock; true when this relay now holds it. */
  acquire(waitSeconds: number): Promise<boolean>;
  /** False once the connection holding the lock is gone. */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** A driver connection taken out of Knex's pool; queries run on it with `.connection()`. */
type RawConnection = object;

export function createRelayLock(knex: Knex, name: string, logger: Logger): RelayLock {
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
    async acquire(waitSeconds) {
      connection ??= await client.acquireConnection();
      const rows = await query<{ got: number }>(connection, 'SELECT GET_LOCK(?, ?) AS got', [
        name,
        waitSeconds,
      ]);
      const got = Number(rows[0]?.got) === 1;
      if (got) logger.info({ lock: name }, 'relay lock acquired: this relay is active');
      return got;
    },
    async stillHeld() {
      if (!connection) return false;
      try {
        const rows = await query<{ mine: number }>(
          connection,
          'SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine',
          [name],
        );
        return Number(rows[0]?.mine) === 1;
      } catch (err) {
        logger.error({ err, lock: name }, 'relay lock connection lost');
        await drop();
        return false;
      }
    },
    async release() {
      if (!connection) return;
      await query(connection, 'SELECT RELEASE_LOCK(?)', [name]).catch(() => {});
      await drop();
    },
  };
}
