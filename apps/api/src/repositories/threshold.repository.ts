import type { Knex } from '@inventory/core';
import type { Threshold } from '../schemas/threshold.schema.js';

/**
 * Low-stock thresholds in `inventory_sku_threshold`, one row per SKU. The relay reads them when it
 * drains the journal and emits `stock.low` when available crosses below one. Writes are absolute,
 * so repeating one changes nothing (and keeps `updated_at`, so a retry answers the same body).
 */

const TABLE = 'inventory_sku_threshold';

interface ThresholdRecord {
  sku_id: string;
  threshold: number;
  updated_at: Date;
}

export interface ThresholdRepository {
  /** The SKU's threshold, or `threshold: null` when none is set. */
  get(skuId: string): Promise<Threshold>;
  set(skuId: string, threshold: number, now: Date): Promise<Threshold>;
  /** Removes the threshold (a no-op without one). */
  remove(skuId: string): Promise<void>;
}

function toThreshold(skuId: string, record: ThresholdRecord | undefined): Threshold {
  return record === undefined
    ? { skuId, threshold: null, updatedAt: null }
    : { skuId, threshold: record.threshold, updatedAt: record.updated_at.toISOString() };
}

async function read(db: Knex, skuId: string): Promise<Threshold> {
  const record = await db<ThresholdRecord>(TABLE).where('sku_id', skuId).first();
  return toThreshold(skuId, record);
}

export function createThresholdRepository(deps: { knex: Knex }): ThresholdRepository {
  const { knex } = deps;
  return {
    get: (skuId) => read(knex, skuId),
    async set(skuId, threshold, now) {
      // One transaction: the row lock taken by the upsert holds until the read-back, so the answer
      // is this write's row even when another admin writes the same SKU at the same moment.
      return knex.transaction(async (trx) => {
        // updated_at moves only when the value changes; it is assigned before threshold, which
        // MariaDB evaluates left to right, so the condition still sees the old value.
        await trx.raw(
          `INSERT INTO ${TABLE} (sku_id, threshold, updated_at) VALUES (?, ?, ?)
           ON DUPLICATE KEY UPDATE
             updated_at = IF(threshold = VALUES(threshold), updated_at, VALUES(updated_at)),
             threshold = VALUES(threshold)`,
          [skuId, threshold, now],
        );
        return read(trx, skuId);
      });
    },
    async remove(skuId) {
      await knex(TABLE).where('sku_id', skuId).delete();
    },
  };
}
