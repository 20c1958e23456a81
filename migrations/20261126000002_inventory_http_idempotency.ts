// The first outcome of each HTTP write made with an Idempotency-Key (admin set/add/decrease and
// bulk adjustments), so that a restore after Redis lost its data brings the keys back: a client
// that retries an acknowledged write after a FLUSHALL gets the first answer instead of a second
// effect. Written by the relay from the journal entry (which names the key); rows older than
// IDEMPOTENCY_TTL_SECONDS are purged by the relay, as Redis expires the keys.
//
// The key is the runner's namespaced key, `api:<22-character caller hash>:<client key ≤ 255>`, so
// 320 characters (1280 bytes of the 3072-byte index limit).
//
// Type-only import through core, so this file resolves without knex in the root node_modules.
import type { Knex } from '../packages/core/src/db/knex.factory.js';

const HTTP_IDEMPOTENCY = 'inventory_http_idempotency';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(HTTP_IDEMPOTENCY, (table) => {
    table.engine('InnoDB');
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
    table.string('idempotency_key', 320).primary();
    // The journal entry's JSON text, verbatim: what the script stored under the Redis key.
    table.text('outcome', 'longtext').notNullable();
    table.string('journal_id', 40).notNullable();
    table.datetime('created_at', { precision: 3 }).notNullable();
    table.index(['created_at'], 'ix_inventory_http_idempotency_created');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(HTTP_IDEMPOTENCY);
}
