import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseConfig, loadConfig } from '../config/index.js';
import { createKnex, ensureDatabase, type Knex, MIGRATIONS_TABLE, runMigrations } from './knex.factory.js';

// A database of its own, so this file never touches what other tests (or people) use.
const server = loadConfig({
  DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/inventory_test',
});
const database: DatabaseConfig = {
  ...server.database,
  database: `inventory_test_${randomBytes(6).toString('hex')}`,
};

const TABLES = [
  'inventory_event_idempotency',
  'inventory_http_idempotency',
  'inventory_ledger',
  'inventory_location',
  'inventory_meta',
  'inventory_outbox',
  'inventory_reservation',
  'inventory_sku_threshold',
  'inventory_snapshot',
  'inventory_stock_location',
];

const MIGRATIONS = [
  '20261125000001_inventory_tables.ts',
  '20261126000001_inventory_sku_threshold.ts',
  '20261126000002_inventory_http_idempotency.ts',
  '20261207000001_inventory_shards.ts',
  '20261208000001_inventory_locations.ts',
];

/** An order id above 2^53: JSON.parse would turn it into 12345678901234567000. */
const BIG_ORDER_ID = '12345678901234567891';

let knex: Knex;

async function tablesOf(db: Knex): Promise<string[]> {
  const rows: Array<{ name: string }> = await db('information_schema.TABLES')
    .select({ name: 'TABLE_NAME' })
    .where('TABLE_SCHEMA', database.database)
    .orderBy('TABLE_NAME');
  return rows.map((row) => row.name);
}

function ledgerRow(journalId: string, skuId: string): Knex.RawBinding[] {
  return [journalId, skuId, 0, 2, 10, 2, 7, 'reserve', null, '1001', 'evt-1', '1001', 'kafka:order.placed'];
}

const INSERT_IGNORE_LEDGER = `INSERT IGNORE INTO inventory_ledger
  (journal_id, sku_id, delta_total, delta_reserved, total_after, reserved_after, version, action,
   reason, order_id, causation_id, correlation_id, actor)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

beforeAll(async () => {
  await ensureDatabase(database);
  knex = createKnex(database);
});

afterAll(async () => {
  await knex?.destroy();
  // Only ever drop what this file created.
  if (database.database.startsWith('inventory_test_')) {
    const admin = createKnex({ ...database, database: 'information_schema' });
    try {
      await admin.raw(`DROP DATABASE IF EXISTS \`${database.database}\``);
    } finally {
      await admin.destroy();
    }
  }
});

describe('inventory migrations', () => {
  it('when migrated to latest, applies the inventory migrations as batch 1', async () => {
    const run = await runMigrations(knex, 'latest');

    expect(run).toEqual({ direction: 'latest', batch: 1, migrations: MIGRATIONS });
  });

  it('when migrated to latest, creates every table as InnoDB with utf8mb4_bin', async () => {
    const rows: Array<{ name: string; engine: string; collation: string }> = await knex(
      'information_schema.TABLES',
    )
      .select({ name: 'TABLE_NAME', engine: 'ENGINE', collation: 'TABLE_COLLATION' })
      .where('TABLE_SCHEMA', database.database)
      .whereIn('TABLE_NAME', TABLES)
      .orderBy('TABLE_NAME');

    expect(rows).toEqual(TABLES.map((name) => ({ name, engine: 'InnoDB', collation: 'utf8mb4_bin' })));
  });

  it('when migrated to latest, creates the unique keys with their columns in order', async () => {
    const rows: Array<{ tableName: string; indexName: string; columns: string }> = await knex
      .raw(
        `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName,
              GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 0 AND TABLE_NAME LIKE 'inventory\\_%'
        GROUP BY TABLE_NAME, INDEX_NAME
        ORDER BY TABLE_NAME, INDEX_NAME`,
        [database.database],
      )
      .then(([result]) => result);

    expect(rows).toEqual([
      { tableName: 'inventory_event_idempotency', indexName: 'PRIMARY', columns: 'event_id,action' },
      { tableName: 'inventory_http_idempotency', indexName: 'PRIMARY', columns: 'idempotency_key' },
      { tableName: 'inventory_ledger', indexName: 'PRIMARY', columns: 'id' },
      {
        tableName: 'inventory_ledger',
        indexName: 'uq_inventory_ledger_journal_sku_location',
        columns: 'journal_id,sku_id,location_id',
      },
      { tableName: 'inventory_location', indexName: 'PRIMARY', columns: 'location_id' },
      { tableName: 'inventory_meta', indexName: 'PRIMARY', columns: 'name' },
      { tableName: 'inventory_outbox', indexName: 'PRIMARY', columns: 'id' },
      { tableName: 'inventory_outbox', indexName: 'uq_inventory_outbox_event_id', columns: 'event_id' },
      { tableName: 'inventory_reservation', indexName: 'PRIMARY', columns: 'order_id' },
      { tableName: 'inventory_sku_threshold', indexName: 'PRIMARY', columns: 'sku_id' },
      { tableName: 'inventory_snapshot', indexName: 'PRIMARY', columns: 'sku_id' },
      { tableName: 'inventory_stock_location', indexName: 'PRIMARY', columns: 'sku_id,location_id' },
    ]);
  });

  it('when migrated to latest, creates the lookup indexes the relay and the API query by', async () => {
    const rows: Array<{ indexName: string; columns: string }> = await knex
      .raw(
        `SELECT INDEX_NAME AS indexName, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 1
        GROUP BY INDEX_NAME ORDER BY INDEX_NAME`,
        [database.database],
      )
      .then(([result]) => result);

    expect(rows).toEqual([
      { indexName: 'ix_inventory_event_idempotency_created', columns: 'created_at' },
      { indexName: 'ix_inventory_http_idempotency_created', columns: 'created_at' },
      { indexName: 'ix_inventory_ledger_order_id', columns: 'order_id' },
      { indexName: 'ix_inventory_ledger_sku_id', columns: 'sku_id,id' },
      { indexName: 'ix_inventory_outbox_published_id', columns: 'published_at,id' },
      { indexName: 'ix_inventory_outbox_shard_published_id', columns: 'shard,published_at,id' },
      { indexName: 'ix_inventory_reservation_status_expires', columns: 'status,expires_at' },
      { indexName: 'ix_inventory_stock_location_location', columns: 'location_id' },
    ]);
  });

  it('when an outbox row is inserted with .returning(), returns its id and keeps the payload verbatim', async () => {
    const payload = `{"id":"e1","data":{"orderId":${BIG_ORDER_ID}}}`;
    const insert = knex('inventory_outbox')
      .insert({
        event_id: '00000000-0000-4000-8000-000000000001',
        topic: 'koosco.commerce.stock.reserved',
        message_key: BIG_ORDER_ID,
        payload,
        journal_id: '1769335200123-0',
      })
      .returning('id');

    expect(insert.toSQL().sql).toMatch(/ returning `id`$/);
    const rows = await insert;

    expect(rows).toEqual([{ id: expect.any(Number) }]);
    const stored = await knex('inventory_outbox').where('id', rows[0]?.id).first('payload');
    expect(stored?.payload).toBe(payload);
  });

  it('when the same (journal_id, sku_id, location) is inserted twice with INSERT IGNORE, the second affects no row', async () => {
    const [first] = await knex.raw(INSERT_IGNORE_LEDGER, ledgerRow('1769335200123-0', 'SKU-a'));
    const [again] = await knex.raw(INSERT_IGNORE_LEDGER, ledgerRow('1769335200123-0', 'SKU-a'));
    // Binary collation: a SKU id differing only in case is another SKU, not a duplicate.
    const [otherCase] = await knex.raw(INSERT_IGNORE_LEDGER, ledgerRow('1769335200123-0', 'SKU-A'));

    expect(first.affectedRows).toBe(1);
    expect(again.affectedRows).toBe(0);
    expect(otherCase.affectedRows).toBe(1);
    expect(await knex('inventory_ledger').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('when reading BIGINT and JSON columns, returns numbers and untouched JSON text', async () => {
    const items = `[["SKU-a",2]]`;
    const outcomes = `{"reserve":{"code":1,"orderId":${BIG_ORDER_ID}}}`;
    await knex('inventory_snapshot').insert({
      sku_id: 'SKU-a',
      total: 1e12,
      reserved: 2,
      version: 7,
      last_journal_id: '1-0',
    });
    await knex('inventory_reservation').insert({
      order_id: BIG_ORDER_ID,
      order_id_type: 'number',
      status: 'RESERVED',
      items,
      outcomes,
      last_journal_id: '1-0',
    });

    const snapshot = await knex('inventory_snapshot')
      .where('sku_id', 'SKU-a')
      .first('total', 'reserved', 'updated_at');
    const reservation = await knex('inventory_reservation')
      .where('order_id', BIG_ORDER_ID)
      .first('items', 'outcomes');

    expect(snapshot).toEqual({ total: 1e12, reserved: 2, updated_at: expect.any(Date) });
    expect(reservation).toEqual({ items, outcomes });
  });

  it('when a BIGINT value exceeds 2^53, the driver throws instead of rounding it', async () => {
    await expect(knex.raw('SELECT CAST(9007199254740993 AS SIGNED) AS v')).rejects.toThrow(/safely/);
  });

  it('when rolled back entirely, drops every inventory table', async () => {
    const run = await runMigrations(knex, 'rollback-all');

    expect(run.migrations).toEqual([...MIGRATIONS].reverse());
    expect(await tablesOf(knex)).toEqual([MIGRATIONS_TABLE, `${MIGRATIONS_TABLE}_lock`]);
  });
});
