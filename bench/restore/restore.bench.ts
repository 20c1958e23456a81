/**
 * How long restoring Redis from MariaDB takes: N SKUs and N open reservations.
 *
 *   node --conditions=source --import tsx bench/restore/restore.bench.ts [n=100000]
 *
 * Uses its own database (inventory_bench_restore) and key prefix, and removes both at the end.
 */
import { randomUUID } from 'node:crypto';
import {
  createKnex,
  createLogger,
  createRedis,
  createStockKeys,
  ensureDatabase,
  loadConfig,
  restoreFromDatabase,
  runMigrations,
} from '../../packages/core/src/index.js';
import { deleteByPrefix } from '../../packages/core/src/stock/stock.testing.js';
import { testServices } from '../../test/support/services.js';

const N = Number(process.argv[2] ?? 100_000);
const dbUrl = new URL(testServices.databaseUrl);
dbUrl.pathname = '/inventory_bench_restore';
const config = loadConfig({ DATABASE_URL: dbUrl.toString(), REDIS_URL: testServices.redisUrl });
const logger = createLogger({ name: 'bench', level: 'warn', pretty: false });

await ensureDatabase(config.database);
const knex = createKnex(config.database);
await runMigrations(knex, 'latest');
const redis = createRedis({ url: config.redis.url, connectionName: 'bench-restore' });
await redis.connect();
const keys = createStockKeys(`bench-${randomUUID()}:`);
try {
  const now = new Date();
  const expires = new Date(Date.now() + 900_000);
  for (let i = 0; i < N; i += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, N - i) }, (_, j) => i + j);
    await knex('inventory_snapshot').insert(
      ids.map((k) => ({
        sku_id: `SKU-${k}`,
        total: 100,
        reserved: 1,
        version: 2,
        last_journal_id: '0',
        updated_at: now,
      })),
    );
    await knex('inventory_reservation').insert(
      ids.map((k) => ({
        order_id: String(k),
        order_id_type: 'number',
        status: 'RESERVED',
        items: JSON.stringify([[`SKU-${k}`, 1]]),
        expires_at: expires,
        outcomes: JSON.stringify({
          reserve: JSON.stringify({ v: 1, action: 'reserve', code: 1, correlationId: String(k) }),
        }),
        last_journal_id: '0',
        created_at: now,
        updated_at: now,
      })),
    );
  }
  const report = await restoreFromDatabase({ redis, knex, keys, logger, finishedTtlSeconds: 604_800 });
  console.log(
    `restore of ${report.skus} SKUs and ${report.reservations} reservations (${report.openReservations} open): ${report.ms} ms`,
  );
} finally {
  await deleteByPrefix(redis, keys.prefix);
  redis.disconnect();
  await knex.raw('DROP DATABASE IF EXISTS inventory_bench_restore');
  await knex.destroy();
}
process.exit(0);
