import { createRequire } from 'node:module';
import type { Pool, PoolConnection } from 'mariadb';
import { orderSkus, type Scenario } from './scenarios.js';

/**
 * What a user would otherwise build: the same reservations as MariaDB (InnoDB) transactions,
 * one per order: a conditional UPDATE per item (all or roll back) plus an INSERT of the
 * reservation row. Items are locked in sorted order so hot orders never deadlock.
 */
const require = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const mariadb = require('mariadb') as typeof import('mariadb');

export const SQL_DATABASE = 'inventory_bench';

export async function createSqlBench(url: URL, skuIds: string[], connections: number): Promise<Pool> {
  const options = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
  };
  const admin = await mariadb.createConnection({ ...options, password: decodeURIComponent(url.password) });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${SQL_DATABASE}`);
    await admin.query(`CREATE DATABASE ${SQL_DATABASE}`);
  } finally {
    await admin.end();
  }
  const pool = mariadb.createPool({
    ...options,
    password: decodeURIComponent(url.password),
    database: SQL_DATABASE,
    connectionLimit: connections,
  });
  await pool.query(`CREATE TABLE stock (sku_id VARCHAR(128) PRIMARY KEY, total BIGINT NOT NULL,
    reserved BIGINT NOT NULL) ENGINE=InnoDB`);
  await pool.query(`CREATE TABLE reservation (order_id BIGINT PRIMARY KEY, items JSON NOT NULL,
    status VARCHAR(16) NOT NULL, expires_at BIGINT NOT NULL) ENGINE=InnoDB`);
  for (let i = 0; i < skuIds.length; i += 1000) {
    const rows = skuIds.slice(i, i + 1000).map((id) => [id, 1_000_000_000, 0]);
    await pool.batch('INSERT INTO stock (sku_id, total, reserved) VALUES (?, ?, ?)', rows);
  }
  return pool;
}

export async function dropSqlBench(url: URL, pool: Pool | undefined): Promise<void> {
  await pool?.end();
  const admin = await mariadb.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  });
  await admin.query(`DROP DATABASE IF EXISTS ${SQL_DATABASE}`).finally(() => admin.end());
}

async function reserveInSql(conn: PoolConnection, orderId: number, skus: string[]): Promise<boolean> {
  await conn.beginTransaction();
  try {
    for (const skuId of [...skus].sort()) {
      const result = await conn.query(
        'UPDATE stock SET reserved = reserved + ? WHERE sku_id = ? AND total - reserved >= ?',
        [1, skuId, 1],
      );
      if (result.affectedRows !== 1) {
        await conn.rollback();
        return false;
      }
    }
    await conn.query('INSERT INTO reservation (order_id, items, status, expires_at) VALUES (?, ?, ?, ?)', [
      orderId,
      JSON.stringify(skus.map((s) => [s, 1])),
      'RESERVED',
      Date.now() + 900_000,
    ]);
    await conn.commit();
    return true;
  } catch (error) {
    await conn.rollback().catch(() => undefined);
    throw error;
  }
}

/** `orders` reservations from `connections` concurrent callers; returns orders per second. */
export async function runSql(
  pool: Pool,
  scenario: Scenario,
  orders: number,
  connections: number,
  firstOrderId: number,
) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const conn = await pool.getConnection();
      try {
        while (next < orders) {
          const orderId = firstOrderId + next;
          next += 1;
          if (!(await reserveInSql(conn, orderId, orderSkus(scenario)))) failed += 1;
        }
      } finally {
        await conn.release();
      }
    }),
  );
  return { rps: orders / ((performance.now() - started) / 1000), failed };
}
