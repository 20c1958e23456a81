import type { Knex } from 'knex';
import { ConfigError } from '../errors/config.error.js';

const SHARD_COUNT = 'stock_shards';

/**
 * The number of shards is fixed for the data (docs/sharding.md): every key's place depends on it.
 * The first process to start records STOCK_SHARDS in MariaDB; a process started with another
 * number refuses to run instead of reading and writing keys where no other process looks.
 */
export async function checkShardCount(knex: Knex, shards: number): Promise<void> {
  await knex.raw('INSERT IGNORE INTO inventory_meta (name, value) VALUES (?, ?)', [
    SHARD_COUNT,
    String(shards),
  ]);
  const row: { value: string } | undefined = await knex('inventory_meta')
    .first('value')
    .where('name', SHARD_COUNT);
  if (row?.value === String(shards)) return;
  throw new ConfigError([
    {
      variable: 'STOCK_SHARDS',
      reason:
        `is ${shards}, but the data was written with ${row?.value ?? 'an unknown number of'} shards; ` +
        'changing it is a re-shard (stop writers, drain the journals, restore every shard; docs/sharding.md)',
    },
  ]);
}
