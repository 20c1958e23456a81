import type { Redis } from 'ioredis';
import { StockCode } from './stock.codes.js';
import {
  checkOrder,
  interpret,
  type PlanContext,
  planAdmin,
  planInit,
  planOrder,
  planReserve,
  type ScriptPlan,
} from './stock.commands.js';
import { lookupFields, type OrderCall, runOrderCall, runPipelined, skuIdsOf } from './stock.execute.js';
import type { StockKeys } from './stock.keys.js';
import type { ScriptObserver } from './stock.timing.js';
import type {
  AddOutcome,
  AdjustInput,
  ConfirmInput,
  ConfirmOutcome,
  DecreaseOutcome,
  ExpireOutcome,
  InitInput,
  InitOutcome,
  InputRejected,
  ReleaseInput,
  ReleaseOutcome,
  ReserveInput,
  ReserveOutcome,
  SetInput,
  SetOutcome,
} from './stock.types.js';

/**
 * Many stock commands in one ioredis pipeline (throughput), each with its own typed promise.
 * Queue calls, then `await batch.exec()`; every queued promise is settled when exec resolves.
 * confirm/release first read their records' SKUs in one pipelined round trip of their own.
 */
export interface StockBatch {
  init(input: InitInput): Promise<InitOutcome>;
  set(input: SetInput): Promise<SetOutcome>;
  add(input: AdjustInput): Promise<AddOutcome>;
  decrease(input: AdjustInput): Promise<DecreaseOutcome>;
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  confirm(input: ConfirmInput): Promise<ConfirmOutcome>;
  release(input: ReleaseInput): Promise<ReleaseOutcome>;
  /** Commands queued and not yet sent. */
  readonly length: number;
  exec(): Promise<void>;
}

/** The runner's own use: expire jobs for the sweeper. */
export interface InternalStockBatch extends StockBatch {
  expire(call: OrderCall): Promise<ExpireOutcome>;
}

export interface BatchDeps {
  redis: Redis;
  keys: StockKeys;
  context: () => PlanContext;
  /** Told the duration of every script round trip. */
  observe?: ScriptObserver;
}

interface Job {
  plan?: ScriptPlan;
  call?: OrderCall;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

export function createStockBatch(deps: BatchDeps): InternalStockBatch {
  let jobs: Job[] = [];

  function enqueue<T>(build: () => ScriptPlan | InputRejected | OrderCall): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        const built = build();
        if ('errors' in built) resolve(built as T);
        else if ('command' in built) jobs.push({ plan: built, resolve: resolve as Job['resolve'], reject });
        else jobs.push({ call: built, resolve: resolve as Job['resolve'], reject });
      } catch (error) {
        reject(error);
      }
    });
  }

  function order(
    input: ConfirmInput | ReleaseInput,
    action: 'confirm' | 'release',
  ): OrderCall | InputRejected {
    return checkOrder(input) ?? { ...input, action };
  }

  async function resolveLookups(taken: Job[]): Promise<void> {
    const lookups = taken.filter((job) => job.call !== undefined);
    if (lookups.length === 0) return;
    const pipeline = deps.redis.pipeline();
    for (const job of lookups)
      pipeline.hmget(deps.keys.reservation(job.call?.orderId ?? ''), ...lookupFields());
    const results = (await pipeline.exec()) ?? [];
    lookups.forEach((job, i) => {
      const [, fields] = results[i] ?? [];
      const call = job.call as OrderCall;
      job.plan = planOrder(
        deps.context(),
        call.action,
        call,
        skuIdsOf(fields as (string | null)[] | undefined),
      );
    });
  }

  async function exec(): Promise<void> {
    const taken = jobs;
    jobs = [];
    try {
      await send(taken);
    } catch (error) {
      // Connection-level failure: every job not yet settled fails with it (settled ones ignore it).
      for (const job of taken) job.reject(error);
      throw error;
    }
  }

  async function send(taken: Job[]): Promise<void> {
    await resolveLookups(taken);
    const retries: Promise<void>[] = [];
    await runPipelined(
      deps.redis,
      taken.map((job) => job.plan as ScriptPlan),
      (i, error, reply) => {
        const job = taken[i] as Job;
        if (error || !reply) return job.reject(error ?? new Error('no reply'));
        if (reply[0] === StockCode.STALE_KEYS && job.call) {
          // The record changed between our read and the script (e.g. reserved meanwhile): redo it alone.
          const retry = runOrderCall(deps.redis, deps.keys, deps.context, job.call, deps.observe);
          retries.push(retry.then((v) => job.resolve(v as never), job.reject));
          return;
        }
        try {
          job.resolve(interpret(job.plan as ScriptPlan, reply) as never);
        } catch (parseError) {
          job.reject(parseError);
        }
      },
      deps.observe,
    );
    await Promise.all(retries);
  }

  return {
    init: (input) => enqueue(() => planInit(deps.context(), input)),
    set: (input) => enqueue(() => planAdmin(deps.context(), 'set', { ...input, amount: input.total })),
    add: (input) => enqueue(() => planAdmin(deps.context(), 'add', { ...input, amount: input.quantity })),
    decrease: (input) =>
      enqueue(() => planAdmin(deps.context(), 'decrease', { ...input, amount: input.quantity })),
    reserve: (input) => enqueue(() => planReserve(deps.context(), input)),
    confirm: (input) => enqueue(() => order(input, 'confirm')),
    release: (input) => enqueue(() => order(input, 'release')),
    expire: (call) => enqueue(() => call),
    get length() {
      return jobs.length;
    },
    exec,
  };
}
