// The durable record of the inventory service: what the relay writes from the Redis journal
// (docs/stock-model.md) in one transaction per batch, keyed so that applying an entry twice
// changes nothing.
//
// Every table is InnoDB, utf8mb4 with the binary collation: SKU ids are case-sensitive free text
// ('a' and 'A' are two SKUs, and non-ASCII ids must compare byte for byte), and the other ids are
// opaque. Index sizes, at 4 bytes per utf8mb4 character against InnoDB's 3072-byte limit:
//   ledger UNIQUE(journal_id 40, sku_id 128)     = 672 bytes
//   ledger INDEX(sku_id 128, id)                  = 520 bytes
//   idempotency PRIMARY(event_id 255, action 32)  = 1148 bytes
//   reservation INDEX(status 16, expires_at)      = 69 bytes
// Journal ids are Redis stream ids, `<ms>-<seq>`: 13 digits of epoch milliseconds until the year
// 2286, so 40 characters leave 26 digits for the sequence.
//
// Type-only import through core, so this file resolves without knex in the root node_modules.
import type { Knex } from '../packages/core/src/db/knex.factory.js';

const SNAPSHOT = 'inventory_snapshot';
const LEDGER = 'inventory_ledger';
const RESERVATION = 'inventory_reservation';
const IDEMPOTENCY = 'inventory_event_idempotency';
const OUTBOX = 'inventory_outbox';

/** Engine and collation set per table, so the database's own defaults cannot change them. */
function binaryUtf8(table: Knex.CreateTableBuilder): void {
  table.engine('InnoDB');
  table.charset('utf8mb4');
  table.collate('utf8mb4_bin');
}

export async function up(knex: Knex): Promise<void> {
  const now = knex.fn.now(3);

  // One row per SKU: the state after the last applied journal entry that touched it.
  await knex.schema.createTable(SNAPSHOT, (table) => {
    binaryUtf8(table);
    table.string('sku_id', 128).primary();
    table.bigInteger('total').notNullable();
    table.bigInteger('reserved').notNullable();
    table.bigInteger('version').notNullable();
    table.bigInteger('low_stock_threshold').nullable();
    table.string('last_journal_id', 40).notNullable();
    table.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(now);
  });

  // Append-only movements, one row per (journal entry, SKU): a reserve of three SKUs is three rows.
  await knex.schema.createTable(LEDGER, (table) => {
    binaryUtf8(table);
    table.bigIncrements('id');
    table.string('journal_id', 40).notNullable();
    table.string('sku_id', 128).notNullable();
    table.bigInteger('delta_total').notNullable();
    table.bigInteger('delta_reserved').notNullable();
    table.bigInteger('total_after').notNullable();
    table.bigInteger('reserved_after').notNullable();
    table.bigInteger('version').notNullable();
    table.string('action', 16).notNullable();
    table.string('reason', 64).nullable();
    table.string('order_id', 64).nullable();
    table.string('causation_id', 255).nullable();
    table.string('correlation_id', 255).nullable();
    table.string('actor', 64).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(now);
    // Re-applying a journal entry (relay crash before XACK) must insert nothing: INSERT IGNORE.
    table.unique(['journal_id', 'sku_id'], { indexName: 'uq_inventory_ledger_journal_sku' });
    // History newest first: WHERE sku_id = ? AND id < :cursor ORDER BY id DESC LIMIT n.
    table.index(['sku_id', 'id'], 'ix_inventory_ledger_sku_id');
  });

  // One row per order: what was reserved and what became of it; restores Redis after a loss.
  await knex.schema.createTable(RESERVATION, (table) => {
    binaryUtf8(table);
    table.string('order_id', 64).primary();
    table.string('order_id_type', 8).notNullable(); // 'number' | 'string': echoed in the same JSON type
    table.string('status', 16).notNullable();
    table.json('items').notNullable(); // [[skuId, quantity], …]
    table.datetime('expires_at', { precision: 3 }).nullable();
    // First outcome per action ({ reserve, confirm, release }), so after a restore a duplicate
    // event still gets the first answer instead of acting again.
    table.json('outcomes').notNullable();
    table.string('last_journal_id', 40).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(now);
    table.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(now);
    // Restore and expiry read open reservations: WHERE status = 'RESERVED' [AND expires_at < ?].
    table.index(['status', 'expires_at'], 'ix_inventory_reservation_status_expires');
  });

  // Inbound events already acted on, per action.
  await knex.schema.createTable(IDEMPOTENCY, (table) => {
    binaryUtf8(table);
    table.string('event_id', 255).notNullable();
    table.string('action', 32).notNullable();
    table.string('journal_id', 40).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(now);
    table.primary(['event_id', 'action']);
    // Lets a retention job delete old rows without a full scan.
    table.index(['created_at'], 'ix_inventory_event_idempotency_created');
  });

  // Events to publish. The payload is the CloudEvent exactly as the relay serialised it: LONGTEXT,
  // not JSON, so nothing (driver or server) parses it and an order id above 2^53 stays exact.
  await knex.schema.createTable(OUTBOX, (table) => {
    binaryUtf8(table);
    table.bigIncrements('id');
    table.specificType('event_id', 'char(36)').notNullable();
    table.string('topic', 255).notNullable();
    table.string('message_key', 255).notNullable();
    table.text('payload', 'longtext').notNullable();
    table.string('journal_id', 40).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable().defaultTo(now);
    table.datetime('published_at', { precision: 3 }).nullable();
    table.unique(['event_id'], { indexName: 'uq_inventory_outbox_event_id' });
    // The publisher's scan: WHERE published_at IS NULL ORDER BY id; retention: published_at < ?.
    table.index(['published_at', 'id'], 'ix_inventory_outbox_published_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [OUTBOX, IDEMPOTENCY, RESERVATION, LEDGER, SNAPSHOT]) {
    await knex.schema.dropTableIfExists(table);
  }
}
