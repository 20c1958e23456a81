import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PlanContext, StockSettings } from './commands/command.js';
import { expire } from './commands/expire.command.js';
import type { StockCommandMethods } from './commands/index.js';
import { commandMethods, createStockBatch, newJob, type StockBatch } from './stock.batch.js';
import { type ExecutorDeps, executeStockJobs } from './stock.executor.js';
import { createStockKeys, type StockKeys } from './stock.keys.js';
import { type SkuPage, scanSkus } from './stock.scan.js';
import type { ScriptObserver } from './stock.timing.js';
import type { ExpireOptions, ExpireSweep, Reservation, ReservationStatus, SkuState } from './stock.types.js';
import { intError } from './stock.validation.js';

export interface StockRunnerOptions extends StockSettings {
  /** A client without ioredis' own `keyPrefix` (the runner prefixes keys itself). */
  redis: Redis;
  keyPrefix: string;
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
  readonly keys: StockKeys;
  /** Expires up to `batchSize` reservations whose deadline has passed (call again while `due` is full). */
  expireDue(batchSize: number, options?: ExpireOptions): Promise<ExpireSweep>;
  /** Queue many commands and send them in one pipeline. */
  batch(): StockBatch;
  get(skuId: string): Promise<SkuState | null>;
  getMany(skuIds: string[]): Promise<(SkuState | null)[]>;
  getReservation(orderId: string): Promise<Reservation | null>;
  /** One page of every SKU (SCAN; see scanSkus for its guarantees). Start with cursor '0'. */
  listSkus(cursor: string, limit: number): Promise<SkuPage>;
}

const skuFields = ['total', 'reserved', 'version', 'updatedAt'] as const;

function toSkuState(skuId: string, values: (string | null)[] | undefined): SkuState | null {
  const [total, reserved, version, updatedAt] = (values ?? []).map((v) => (v === null ? null : Number(v)));
  if (total === null || total === undefined) return null;
  const r = reserved ?? 0;
  return {
    skuId,
    total,
    reserved: r,
    available: total - r,
    version: version ?? 0,
    updatedAt: updatedAt ?? 0,
  };
}

function toReservation(orderId: string, hash: Record<string, string>): Reservation | null {
  if (hash.status === undefined) return null;
  const items = hash.items ? (JSON.parse(hash.items) as [string, number][]) : [];
  const type = hash.orderIdType;
  return {
    orderId,
    orderIdType: type === 'number' || type === 'string' ? type : null,
    status: hash.status as ReservationStatus,
    items: items.map(([skuId, quantity]) => ({ skuId: String(skuId), quantity })),
    expiresAt: hash.expiresAt ? Number(hash.expiresAt) : null,
    correlationId: hash.correlationId ?? null,
  };
}

function assertSettings(options: StockRunnerOptions): void {
  for (const name of ['reservationTtlSeconds', 'finishedTtlSeconds', 'idempotencyTtlSeconds'] as const) {
    const error = intError(options[name], name, 1, 10 * 365 * 24 * 3600);
    if (error) throw new Error(`createStockRunner: ${name} ${error.reason}`);
  }
  if (options.redis.options.keyPrefix) {
    throw new Error('createStockRunner: use a Redis client without keyPrefix; pass keyPrefix to the runner');
  }
}

export function createStockRunner(options: StockRunnerOptions): StockRunner {
  assertSettings(options);
  const { redis } = options;
  const keys = createStockKeys(options.keyPrefix);
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const settings: StockSettings = {
    reservationTtlSeconds: options.reservationTtlSeconds,
    finishedTtlSeconds: options.finishedTtlSeconds,
    idempotencyTtlSeconds: options.idempotencyTtlSeconds,
  };
  const context = (): PlanContext => ({ keys, settings, now: clock(), newId });
  const deps: ExecutorDeps = { redis, keys, context, observe: options.onScripts };

  async function getMany(skuIds: string[]): Promise<(SkuState | null)[]> {
    if (skuIds.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const skuId of skuIds) pipeline.hmget(keys.stock(skuId), ...skuFields);
    const results = (await pipeline.exec()) ?? [];
    return skuIds.map((skuId, i) => {
      const [error, values] = results[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      return toSkuState(skuId, values as (string | null)[]);
    });
  }

  async function expireDue(batchSize: number, expireOptions: ExpireOptions = {}): Promise<ExpireSweep> {
    const sizeError = intError(batchSize, 'batchSize', 1, 10_000);
    if (sizeError) throw new Error(`expireDue: batchSize ${sizeError.reason}`);
    const due = await redis.zrangebyscore(keys.deadlines, '-inf', clock(), 'LIMIT', 0, batchSize);
    const causationId = expireOptions.causationId ?? newId();
    const actor = expireOptions.actor ?? 'system:expire';
    const jobs = due.map((orderId) => newJob(expire, { orderId, causationId, correlationId: '', actor }));
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
    expireDue,
    batch: () => createStockBatch(deps),
    async get(skuId) {
      return toSkuState(skuId, await redis.hmget(keys.stock(skuId), ...skuFields));
    },
    getMany,
    async getReservation(orderId) {
      return toReservation(orderId, await redis.hgetall(keys.reservation(orderId)));
    },
    async listSkus(cursor, limit) {
      const limitError = intError(limit, 'limit', 1, 10_000);
      if (limitError) throw new RangeError(`listSkus: limit ${limitError.reason}`);
      return scanSkus(redis, keys, getMany, cursor, limit);
    },
  };
}
