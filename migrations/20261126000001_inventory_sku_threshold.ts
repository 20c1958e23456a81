// Low-stock thresholds (docs/contract.md §3 `stock.low`): per-SKU configuration set over the admin API and
// read by the relay when it turns journal entries into outbox rows.
//
// A table of its own, not `inventory_snapshot.low_stock_threshold`: Redis is restored from the
// snapshot, so a placeholder snapshot row written to hold a threshold would create a SKU. A
// threshold row never creates stock; it only names the level below which `stock.low` is emitted.
// utf8mb4_bin like every table: SKU ids are case-sensitive free text (128 chars = 512 bytes key).
//
// Type-only import through core, so this file resolves without knex in the root node_modules.
import type { Knex } from '../packages/core/src/db/knex.factory.js';

const THRESHOLD = 'inventory_sku_threshold';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(THRESHOLD, (table) => {
    table.engine('InnoDB');
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
    table.string('sku_id', 128).primary();
    // 1..10^12, the same ceiling as a SKU's total (checked by the API).
    table.bigInteger('threshold').notNullable();
    table.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(THRESHOLD);
}
