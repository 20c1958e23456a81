import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createStockBatch, type StockBatch } from './stock.batch.js';
import {
  checkOrder,
  interpret,
  type PlanContext,
  planAdmin,
  planBulk,
  planInit,
  planReserve,
  type ScriptPlan,
  type StockSettings,
} from './stock.commands.js';
import { runOrderCall, runPipelined, sendTimed } from './stock.execute.js';
import { createStockKeys, type StockKeys } from './stock.keys.js';
import { type SkuPage, scanSkus } from './stock.scan.js';
import { registerStockScripts } from './stock.scripts.js';
import type { ScriptObserver } from './stock.timing.js';
import type {
  AddOutcome,
  AdjustInput,
  BulkAdjustInput,
  BulkAdjustOutcome,
  ConfirmInput,
  ConfirmOutcome,
  DecreaseOutcome,
  ExpireOptions,
  ExpireSweep,
  InitInput,
  InitOutcome,
  InputRejected,
  ReleaseInput,
  ReleaseOutcome,
  Reservation,
  ReservationStatus,
  ReserveInput,
  ReserveOutcome,
  SetInput,
  SetOutcome,
  SkuState,
} from './stock.types.js';
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

/** Runs the stock Lua commands (lua/) and reads stock state; no HTTP or Kafka knowledge. */
export interface StockRunner {
  readonly keys: StockKeys;
  init(input: InitInput): Promise<InitOutcome>;
  set(input: SetInput): Promise<SetOutcome>;
  add(input: AdjustInput): Promise<AddOutcome>;
  decrease(input: AdjustInput): Promise<DecreaseOutcome>;
  /** Many totals and deltas in one script: all applied, or none (failedItems lists every failure). */
  bulkAdjust(input: BulkAdjustInput): Promise<BulkAdjustOutcome>;
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  confirm(input: ConfirmInput): Promise<ConfirmOutcome>;
  release(input: ReleaseInput): Promise<ReleaseOutcome>;
  /** Expires up to `batchSize` reservations whose deadline has passed (call again while `due` is full). */
  expireDue(batchSize: number, options?: ExpireOptions): Promise<ExpireSweep>;
  /** Queue many commands and send them in one pipeline. */
  batch(): StockBatch;
  /** Convenience: many reserves in one pipeline, outcomes in input order. */
  reserveMany(inputs: ReserveInput[]): Promise<ReserveOutcome[]>;
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
  registerStockScripts(redis);
  const keys = createStockKeys(options.keyPrefix);
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const settings: StockSettings = {
    reservationTtlSeconds: options.reservationTtlSeconds,
    finishedTtlSeconds: options.finishedTtlSeconds,
    idempotencyTtlSeconds: options.idempotencyTtlSeconds,
  };
  const observe = options.onScripts;
  const context = (): PlanContext => ({ keys, settings, now: clock(), newId });
  const batch = () => createStockBatch({ redis, keys, context, observe });

  async function run<T>(built: ScriptPlan | InputRejected): Promise<T> {
    if ('errors' in built) return built as T;
    return interpret(built, await sendTimed(redis, built, observe)) as T;
  }

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
    const now = clock();
    const due = await redis.zrangebyscore(keys.deadlines, '-inf', now, 'LIMIT', 0, batchSize);
    const sweep = createStockBatch({ redis, keys, context, observe });
    const causationId = expireOptions.causationId ?? newId();
    const actor = expireOptions.actor ?? 'system:expire';
    const pending = due.map((orderId) =>
      sweep.expire({ action: 'expire', orderId, orderIdType: '', causationId, correlationId: '', actor }),
    );
    await sweep.exec();
    const outcomes = await Promise.all(pending);
    const expired = outcomes.filter((o) => o.ok && !o.replayed).length;
    return { due: due.length, expired, outcomes };
  }

  /** The hot path of batching, without a promise per order: plan all, one pipeline, interpret. */
  async function reserveMany(inputs: ReserveInput[]): Promise<ReserveOutcome[]> {
    const shared = context();
    const outcomes = new Array<ReserveOutcome>(inputs.length);
    const plans: ScriptPlan[] = [];
    const positions: number[] = [];
    inputs.forEach((input, i) => {
      const built = planReserve(shared, input);
      if ('errors' in built) outcomes[i] = built;
      else {
        positions.push(i);
        plans.push(built);
      }
    });
    let firstError: Error | null = null;
    await runPipelined(
      redis,
      plans,
      (j, error, reply) => {
        if (error || !reply) firstError ??= error ?? new Error('no reply');
        else outcomes[positions[j] as number] = interpret(plans[j] as ScriptPlan, reply);
      },
      observe,
    );
    if (firstError) throw firstError; // connection or script error: replays make a retry safe
    return outcomes;
  }

  return {
    keys,
    init: (input) => run(planInit(context(), input)),
    set: (input) => run(planAdmin(context(), 'set', { ...input, amount: input.total })),
    add: (input) => run(planAdmin(context(), 'add', { ...input, amount: input.quantity })),
    decrease: (input) => run(planAdmin(context(), 'decrease', { ...input, amount: input.quantity })),
    bulkAdjust: (input) => run(planBulk(context(), input)),
    reserve: (input) => run(planReserve(context(), input)),
    confirm: async (input) =>
      checkOrder(input) ?? runOrderCall(redis, keys, context, { ...input, action: 'confirm' }, observe),
    release: async (input) =>
      checkOrder(input) ?? runOrderCall(redis, keys, context, { ...input, action: 'release' }, observe),
    expireDue,
    batch,
    reserveMany,
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
