import type { Redis } from 'ioredis';
import { luaScript, type PipelineResult, runScripts } from '../redis/lua.scripts.js';
import type { PlanContext, ScriptPlan, StockCommand } from './commands/command.js';
import { interpret, type StockScriptReply } from './commands/outcome.js';
import { StockCode } from './stock.codes.js';
import { StockStaleKeysError, toStockError } from './stock.errors.js';
import type { StockKeys } from './stock.keys.js';
import { type ScriptObserver, timeScripts } from './stock.timing.js';

/**
 * The one way stock commands reach Redis, for a single call and for a batch alike:
 * 1. the order commands' reservation records are read (status and SKUs) in one pipelined round trip;
 * 2. every command is planned; an input that breaks a rule is answered at once, never sent;
 * 3. every script call goes in one pipeline (lua.scripts.ts: EVALSHA, scripts loaded as needed);
 * 4. each reply becomes its command's outcome. A command whose record changed between 1 and 3
 *    (the script answers STALE_KEYS and writes nothing) goes round again, at most 3 times in all.
 */

export interface StockJob {
  command: StockCommand<never, unknown>;
  input: unknown;
  resolve(outcome: unknown): void;
  reject(error: unknown): void;
}

export interface ExecutorDeps {
  redis: Redis;
  keys: StockKeys;
  context: () => PlanContext;
  /** Told the duration of every script round trip. */
  observe?: ScriptObserver;
}

const maxAttempts = 3;
const recordFields = ['status', 'items'] as const;

/** Settles every job; rejects (leaving the unsettled jobs to the caller) only on a connection failure. */
export async function executeStockJobs(deps: ExecutorDeps, jobs: readonly StockJob[]): Promise<void> {
  let pending = jobs;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    pending = await executeOnce(deps, pending, attempt === maxAttempts);
  }
}

/** A record's SKUs, when it is RESERVED (only then does the script touch SKU hashes). */
function reservedSkusOf(fields: unknown): string[] {
  const [status, items] = Array.isArray(fields) ? (fields as (string | null)[]) : [];
  if (status !== 'RESERVED' || !items) return [];
  return (JSON.parse(items) as [string, number][]).map(([skuId]) => String(skuId));
}

async function readReservations(deps: ExecutorDeps, jobs: readonly StockJob[]): Promise<string[][]> {
  const orderIds = jobs.map((job) => job.command.reservationOf?.(job.input as never));
  const reads = orderIds.filter((id): id is string => id !== undefined);
  if (reads.length === 0) return jobs.map(() => []);
  const pipeline = deps.redis.pipeline();
  for (const orderId of reads) pipeline.hmget(deps.keys.reservation(orderId), ...recordFields);
  const results = (await pipeline.exec()) ?? [];
  let next = 0;
  return orderIds.map((id) => {
    if (id === undefined) return [];
    const [error, fields] = results[next++] ?? [new Error('pipeline returned no result'), null];
    if (error) throw toStockError(error);
    return reservedSkusOf(fields);
  });
}

/** One round; answers the jobs that must go round again (STALE_KEYS). */
async function executeOnce(
  deps: ExecutorDeps,
  jobs: readonly StockJob[],
  last: boolean,
): Promise<StockJob[]> {
  const reserved = await readReservations(deps, jobs);
  const context = deps.context();
  const sent: { job: StockJob; plan: ScriptPlan }[] = [];
  jobs.forEach((job, i) => {
    try {
      const plan = job.command.plan(context, job.input as never, reserved[i] ?? []);
      if ('errors' in plan) job.resolve(plan);
      else sent.push({ job, plan });
    } catch (error) {
      job.reject(error); // a caller's programming error (StockInputError), not the input's
    }
  });
  if (sent.length === 0) return [];
  const actions = sent.map(({ plan }) => plan.action);
  const calls = sent.map(({ plan }) => ({
    script: luaScript(plan.action),
    keys: plan.keys,
    args: plan.args,
  }));
  const mode = sent.length === 1 ? 'single' : 'pipeline';
  const results = await timeScripts(deps.observe, actions, mode, () => runScripts(deps.redis, calls));
  return sent.filter(({ job, plan }, i) => settle(job, plan, results[i], last)).map(({ job }) => job);
}

/** Resolves or rejects the job with its script's result; true when it must go round again. */
function settle(job: StockJob, plan: ScriptPlan, result: PipelineResult | undefined, last: boolean): boolean {
  const [error, reply] = result ?? [new Error('no reply'), null];
  if (error) {
    job.reject(toStockError(error));
    return false;
  }
  const answer = reply as StockScriptReply;
  if (answer[0] === StockCode.STALE_KEYS) {
    if (!last) return true;
    job.reject(new StockStaleKeysError(job.command.reservationOf?.(job.input as never) ?? '', maxAttempts));
    return false;
  }
  try {
    job.resolve(interpret(plan, answer));
  } catch (parseError) {
    job.reject(parseError);
  }
  return false;
}
