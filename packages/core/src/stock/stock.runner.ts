import { randomUUID } from 'node:crypto';
import { isCluster, pipelineInGroups, type RedisClient } from '../redis/redis.groups.js';
import type { PlanContext, StockSettings } from './commands/command.js';
import { expire } from './commands/expire.command.js';
import type { StockCommandMethods } from './commands/index.js';
import { availableOf } from './stock.available.js';
import { commandMethods, createStockBatch, newJob, type StockBatch } from './stock.batch.js';
import { type ExecutorDeps, executeStockJobs } from './stock.executor.js';
import { parseOrderItems } from './stock.journal.js';
import type { StockKeys } from './stock.keys.js';
import { type SkuPage, scanSkus } from './stock.scan.js';
import { createShardLayout, type ShardLayout } from './stock.shards.js';
import type { ScriptObserver } from './stock.timing.js';
import type { ExpireOptions, ExpireSweep, Reservation, ReservationStatus, SkuState } from './stock.types.js';
import { intError } from './stock.validation.js';

export interface StockRunnerOptions extends StockSettings {
  /** A client without ioredis' own `keyPrefix` (the runner prefixes keys itself). */
  redis: RedisClient;
  keyPrefix: string;
  /** Logical shards of the store (docs/sharding.md); 1 (the default) keeps today's keys. */
  shards?: number;
  /** Epoch ms; passed to every script (scripts never read the server clock). */
  clock?: () => number;
  newId?: () => string;
  /** Told the duration of every script round trip (the apps record it as a histogram). */
  onScripts?: ScriptObserver;
}

/**
 * Runs the stock commands (one method per command in commands/, e.g. `reserve` runs
 * commands/reserve.command.ts and lua/reserve.lua) and reads stock state; no HTTP or Kafka knowledge.
 */
export interface StockRunner extends StockCommandMethods {
  /** The keys of shard 0: with one shard on a single Redis, the store's only keys. */
  readonly keys: StockKeys;
  readonly layout: ShardLayout;
  /**
   * Expires up to `batchSize` reservations per shard whose deadline has passed (call again while
   * `due` reaches `batchSize`).
   */
  expireDue(batchSize: number, options?: ExpireOptions): Promise<ExpireSweep>;
  /** Queue many commands and send them in one pipeline. */
  batch(): StockBatch;
  get(skuId: string): Promise<SkuState | null>;
  getMany(skuIds: string[]): Promise<(SkuState | null)[]>;
  getReservation(orderId: string): Promise<Reservation | null>;
  /** One page of every SKU (SCAN; see scanSkus for its guarantees). Start with cursor '0'. */
  listSkus(cursor: string, limit: number): Promise<SkuPage>;
}

const skuFields = ['total', 'reserved', 'version', 'updatedAt', 'safety'] as const;

function toSkuState(skuId: string, values: (string | null)[] | undefined): SkuState | null {
  const [total, reserved, version, updatedAt, safety] = (values ?? []).map((v) =>
    v === null ? null : Number(v),
  );
  if (total === null || total === undefined) return null;
  const r = reserved ?? 0;
  return {
    skuId,
    total,
    reserved: r,
    available: availableOf({ total, reserved: r, safety: safety ?? undefined }),
    version: version ?? 0,
    updatedAt: updatedAt ?? 0,
  };
}

function toReservation(orderId: string, hash: Record<string, string>): Reservation | null {
  if (hash.status === undefined) return null;
  const type = hash.orderIdType;
  return {
    orderId,
    orderIdType: type === 'number' || type === 'string' ? type : null,
    status: hash.status as ReservationStatus,
    items: parseOrderItems(hash.items),
    expiresAt: hash.expiresAt ? Number(hash.expiresAt) : null,
    correlationId: hash.correlationId ?? null,
  };
}

function assertSettings(options: StockRunnerOptions): void {
  for (const name of ['reservationTtlSeconds', 'finishedTtlSeconds', 'idempotencyTtlSeconds'] as const) {
    const error = intError(options[name], name, 1, 10 * 365 * 24 * 3600);
    if (error) throw new Error(`createStockRunner: ${name} ${error.reason}`);
  }
  const clientOptions = isCluster(options.redis) ? options.redis.options.redisOptions : options.redis.options;
  if (clientOptions?.keyPrefix) {
    throw new Error('createStockRunner: use a Redis client without keyPrefix; pass keyPrefix to the runner');
  }
}

export function createStockRunner(options: StockRunnerOptions): StockRunner {
  assertSettings(options);
  const { redis } = options;
  const layout = createShardLayout({
    prefix: options.keyPrefix,
    count: options.shards ?? 1,
    cluster: isCluster(redis),
  });
  const keys = layout.keys(0);
  const shards = Array.from({ length: layout.count }, (_, shard) => shard);
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const settings: StockSettings = {
    reservationTtlSeconds: options.reservationTtlSeconds,
    finishedTtlSeconds: options.finishedTtlSeconds,
    idempotencyTtlSeconds: options.idempotencyTtlSeconds,
  };
  const context = (shard: number): PlanContext => ({
    layout,
    shard,
    keys: layout.keys(shard),
    settings,
    now: clock(),
    newId,
  });
  const deps: ExecutorDeps = { redis, layout, context, observe: options.onScripts };

  async function getMany(skuIds: string[]): Promise<(SkuState | null)[]> {
    const results = await pipelineInGroups(redis, skuIds, layout.shardOfSku, (pipeline, skuId) =>
      pipeline.hmget(layout.keys(layout.shardOfSku(skuId)).stock(skuId), ...skuFields),
    );
    return skuIds.map((skuId, i) => {
      const [error, values] = results[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      return toSkuState(skuId, values as (string | null)[]);
    });
  }

  async function expireDue(batchSize: number, expireOptions: ExpireOptions = {}): Promise<ExpireSweep> {
    const sizeError = intError(batchSize, 'batchSize', 1, 10_000);
    if (sizeError) throw new Error(`expireDue: batchSize ${sizeError.reason}`);
    const now = clock();
    const dueByShard = await Promise.all(
      (expireOptions.shards ?? shards).map(async (shard) => {
        const ids = await redis.zrangebyscore(
          layout.keys(shard).deadlines,
          '-inf',
          now,
          'LIMIT',
          0,
          batchSize,
        );
        return ids.map((orderId) => ({ orderId, shard }));
      }),
    );
    const due = dueByShard.flat();
    const causationId = expireOptions.causationId ?? newId();
    const actor = expireOptions.actor ?? 'system:expire';
    const jobs = due.map(({ orderId, shard }) =>
      newJob(expire, { orderId, shard, causationId, correlationId: '', actor }),
    );
    await executeStockJobs(
      deps,
      jobs.map((j) => j.job),
    );
    const outcomes = await Promise.all(jobs.map((j) => j.outcome));
    const expired = outcomes.filter((o) => o.ok && !o.replayed).length;
    return { due: due.length, expired, outcomes };
  }

  return {
    ...commandMethods((command, input) => {
      const { job, outcome } = newJob(command, input);
      return executeStockJobs(deps, [job]).then(() => outcome);
    }),
    keys,
    layout,
    expireDue,
    batch: () => createStockBatch(deps),
    async get(skuId) {
      return toSkuState(
        skuId,
        await redis.hmget(layout.keys(layout.shardOfSku(skuId)).stock(skuId), ...skuFields),
      );
    },
    getMany,
    async getReservation(orderId) {
      // The order's record is on one shard (docs/sharding.md): every shard is read in one round.
      const results = await pipelineInGroups(
        redis,
        shards,
        (shard) => shard,
        (pipeline, shard) => pipeline.hgetall(layout.keys(shard).reservation(orderId)),
      );
      for (const [error, hash] of results) {
        if (error) throw error;
        const found = toReservation(orderId, hash as Record<string, string>);
        if (found !== null) return found;
      }
      return null;
    },
    async listSkus(cursor, limit) {
      const limitError = intError(limit, 'limit', 1, 10_000);
      if (limitError) throw new RangeError(`listSkus: limit ${limitError.reason}`);
      return scanSkus(redis, layout, getMany, cursor, limit);
    },
  };
}
