import { luaScript, runScripts } from '../redis/lua.scripts.js';
import { inGroups, type PipelineResult, pipelineInGroups, type RedisClient } from '../redis/redis.groups.js';
import type { PlanContext, ScriptPlan, StockCommand } from './commands/command.js';
import { interpret, type StockScriptReply } from './commands/outcome.js';
import { StockCode } from './stock.codes.js';
import { StockStaleKeysError, toStockError } from './stock.errors.js';
import type { ShardLayout } from './stock.shards.js';
import { type ScriptObserver, timeScripts } from './stock.timing.js';

/**
 * The one way stock commands reach Redis, for a single call and for a batch alike:
 * 1. each command's shard is found: from its SKUs, or for an order command where its reservation
 *    record is (status and SKUs read in one pipelined round trip; on every shard when there are
 *    several and the input does not say which);
 * 2. every command is planned; an input that breaks a rule is answered at once, never sent;
 * 3. every script call goes in one pipeline, one per shard on a Redis Cluster (lua.scripts.ts:
 *    EVALSHA, scripts loaded as needed);
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
  redis: RedisClient;
  layout: ShardLayout;
  /** The plan context of a shard, with the clock read now. */
  context: (shard: number) => PlanContext;
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
function reservedSkusOf(fields: (string | null)[]): string[] {
  const [status, items] = fields;
  if (status !== 'RESERVED' || !items) return [];
  return (JSON.parse(items) as [string, number][]).map(([skuId]) => String(skuId));
}

/** Where a job runs, and the SKUs its order's record holds there. */
interface Placement {
  shard: number;
  reservedSkus: string[];
}

interface RecordRead {
  job: number;
  shard: number;
  orderId: string;
}

/** Finds each job's shard: from its input, or where its order's record is (home shard if none). */
async function place(deps: ExecutorDeps, jobs: readonly StockJob[]): Promise<Placement[]> {
  const { layout } = deps;
  const everyShard = Array.from({ length: layout.count }, (_, shard) => shard);
  const placements: Placement[] = [];
  const reads: RecordRead[] = [];
  jobs.forEach((job, i) => {
    const input = job.input as never;
    const given = job.command.shardOf?.(layout, input);
    const orderId = job.command.reservationOf?.(input);
    placements.push({
      shard: given ?? (orderId === undefined ? 0 : layout.homeShardOf(orderId)),
      reservedSkus: [],
    });
    if (orderId === undefined) return;
    for (const shard of given === undefined ? everyShard : [given]) reads.push({ job: i, shard, orderId });
  });
  const results = await pipelineInGroups(
    deps.redis,
    reads,
    (read) => read.shard,
    (pipeline, read) => pipeline.hmget(layout.keys(read.shard).reservation(read.orderId), ...recordFields),
  );
  const found = new Set<number>();
  reads.forEach((read, i) => {
    const [error, fields] = results[i] ?? [new Error('pipeline returned no result'), null];
    if (error) throw toStockError(error);
    const values = (fields ?? []) as (string | null)[];
    if (values[0] === null || values[0] === undefined || found.has(read.job)) return;
    found.add(read.job);
    placements[read.job] = { shard: read.shard, reservedSkus: reservedSkusOf(values) };
  });
  return placements;
}

/** Sends the plans (one pipeline per shard on a cluster) and answers each one's result. */
function send(
  deps: ExecutorDeps,
  sent: readonly { plan: ScriptPlan; shard: number }[],
): Promise<PipelineResult[]> {
  return inGroups(
    deps.redis,
    sent,
    (s) => s.shard,
    (group) =>
      runScripts(
        deps.redis,
        group.map(({ plan }) => ({ script: luaScript(plan.action), keys: plan.keys, args: plan.args })),
      ),
  );
}

/** One round; answers the jobs that must go round again (STALE_KEYS). */
async function executeOnce(
  deps: ExecutorDeps,
  jobs: readonly StockJob[],
  last: boolean,
): Promise<StockJob[]> {
  const placements = await place(deps, jobs);
  const contexts = new Map<number, PlanContext>();
  const sent: { job: StockJob; plan: ScriptPlan; shard: number }[] = [];
  jobs.forEach((job, i) => {
    const { shard, reservedSkus } = placements[i] as Placement;
    let context = contexts.get(shard);
    if (context === undefined) {
      context = deps.context(shard);
      contexts.set(shard, context);
    }
    try {
      const plan = job.command.plan(context, job.input as never, reservedSkus);
      if ('errors' in plan) job.resolve(plan);
      else sent.push({ job, plan, shard });
    } catch (error) {
      job.reject(error); // a caller's programming error (StockInputError), not the input's
    }
  });
  if (sent.length === 0) return [];
  const actions = sent.map(({ plan }) => plan.action);
  const mode = sent.length === 1 ? 'single' : 'pipeline';
  const results = await timeScripts(deps.observe, actions, mode, () => send(deps, sent));
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
