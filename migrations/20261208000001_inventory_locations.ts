// Stock per location (docs/locations.md).
//
// - inventory_location: the locations, durable; the live store keeps a registry of the active ones
//   per shard, rebuilt from this table. `default` always exists and is always active.
// - inventory_stock_location: per (SKU, location) the state after the last applied journal entry
//   that changed it: total, reserved, safety stock, backorder limit. The `default` location's
//   total and reserved are NULL: as in Redis, they are the SKU's (inventory_snapshot) minus the
//   other locations', so a SKU that never left `default` needs no row at all.
// - inventory_ledger.location_id: every movement names its location; a transfer is two rows of one
//   journal entry, so the unique key grows to (journal_id, sku_id, location_id).
//   Index size: 40 + 128 + 64 characters at 4 bytes = 928 bytes.
//
// Type-only import through core, so this file resolves without knex in the root node_modules.
import type { Knex } from '../packages/core/src/db/knex.factory.js';

function binaryUtf8(table: Knex.CreateTableBuilder): void {
  table.engine('InnoDB');
  table.charset('utf8mb4');
  table.collate('utf8mb4_bin');
}

export async function up(knex: Knex): Promise<void> {
  const now = knex.fn.now(3);
  await knex.schema.createTable('inventory_location', (table) => {
    binaryUtf8(table);
    table.string('location_id', 64).primary();
    table.string('name', 255).notNullable();
    table.integer('priority').notNullable().defaultTo(0);
    table.boolean('active').notNullable().defaultTo(true);
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(now);
    table.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(now);
  });
  await knex('inventory_location').insert({
    location_id: 'default',
    name: 'Default',
    priority: 0,
    active: true,
  });

  await knex.schema.createTable('inventory_stock_location', (table) => {
    binaryUtf8(table);
    table.string('sku_id', 128).notNullable();
    table.string('location_id', 64).notNullable();
    table.bigInteger('total').nullable();
    table.bigInteger('reserved').nullable();
    table.bigInteger('safety_stock').notNullable().defaultTo(0);
    table.bigInteger('backorder_limit').notNullable().defaultTo(0);
    table.bigInteger('version').notNullable();
    table.string('last_journal_id', 40).notNullable();
    table.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(now);
    table.primary(['sku_id', 'location_id']);
    // Emptiness check before a deactivation: WHERE location_id = ? AND (total <> 0 OR reserved <> 0).
    table.index(['location_id'], 'ix_inventory_stock_location_location');
  });

  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.string('location_id', 64).notNullable().defaultTo('default').after('sku_id');
  });
  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.dropUnique(['journal_id', 'sku_id'], 'uq_inventory_ledger_journal_sku');
    table.unique(['journal_id', 'sku_id', 'location_id'], {
      indexName: 'uq_inventory_ledger_journal_sku_location',
    });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.dropUnique(['journal_id', 'sku_id', 'location_id'], 'uq_inventory_ledger_journal_sku_location');
    table.unique(['journal_id', 'sku_id'], { indexName: 'uq_inventory_ledger_journal_sku' });
  });
  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.dropColumn('location_id');
  });
  await knex.schema.dropTableIfExists('inventory_stock_location');
  await knex.schema.dropTableIfExists('inventory_location');
}
