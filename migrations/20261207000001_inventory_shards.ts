// Sharding (docs/sharding.md): what the relay per shard and the restore per shard need.
//
// - inventory_outbox.shard: the shard whose journal produced the row. Each relay publishes the
//   rows of the shards it holds, in id order per shard (rows of one shard are committed by one
//   drainer, one transaction after another, so their ids grow in commit order).
// - inventory_ledger(order_id): a restore of one shard rebuilds the parts of cross-shard orders
//   that are still held there, from the order's movements on that shard's SKUs.
// - inventory_meta: facts fixed for the data, such as the number of shards (`stock_shards`),
//   recorded at the first start; a process started with another number refuses to run.
//
// Type-only import through core, so this file resolves without knex in the root node_modules.
import type { Knex } from '../packages/core/src/db/knex.factory.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inventory_outbox', (table) => {
    table.smallint('shard').unsigned().notNullable().defaultTo(0);
    table.index(['shard', 'published_at', 'id'], 'ix_inventory_outbox_shard_published_id');
  });
  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.index(['order_id'], 'ix_inventory_ledger_order_id');
  });
  await knex.schema.createTable('inventory_meta', (table) => {
    table.engine('InnoDB');
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
    table.string('name', 64).primary();
    table.string('value', 255).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inventory_meta');
  await knex.schema.alterTable('inventory_ledger', (table) => {
    table.dropIndex(['order_id'], 'ix_inventory_ledger_order_id');
  });
  await knex.schema.alterTable('inventory_outbox', (table) => {
    table.dropIndex(['shard', 'published_at', 'id'], 'ix_inventory_outbox_shard_published_id');
    table.dropColumn('shard');
  });
}
