import { luaScript, runScriptsOnShards } from '../redis/lua.scripts.js';
import { type PipelineResult, pipelineInGroups, type RedisClient } from '../redis/redis.groups.js';
import type { CrossShardOrder, PlanContext, ScriptPlan, StockCommand } from './commands/command.js';
import { interpret, type StockScriptReply } from './commands/outcome.js';
import type { ReserveInput } from './commands/reserve.command.js';
import { type Coordinator, endAcrossShards, reserveAcrossShards } from './cross-shard/cross-shard.orders.js';
import { StockCode } from './stock.codes.js';
import { StockStaleKeysError, toStockError } from './stock.errors.js';
import { parseOrderItems } from './stock.journal.js';
import type { ShardLayout } from './stock.shards.js';
import { type ScriptObserver, timeScripts } from './stock.timing.js';
import type { OrderItem } from './stock.types.js';
import { normalizeItems } from './stock.validation.js';

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
  command: StockCommand<never, unknown, ScriptPlan | CrossShardOrder>;
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
const recordFields = ['status', 'items', 'kind', 'reserve'] as const;

/** Settles every job; rejects (leaving the unsettled jobs to the caller) only on a connection failure. */
export async function executeStockJobs(deps: ExecutorDeps, jobs: readonly StockJob[]): Promise<void> {
  let pending = jobs;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    pending = await executeOnce(deps, pending, attempt >= maxAttempts);
  }
}

/** A record's SKUs, when it is RESERVED (only then does the script touch SKU hashes). */
function reservedSkusOf(status: string, items: string | null | undefined): string[] {
  return status === 'RESERVED' ? parseOrderItems(items).map((item) => item.skuId) : [];
}

/** Where a job runs, and the SKUs its order's record holds there (or its coordinator's record). */
interface Placement {
  shard: number;
  reservedSkus: string[];
  coordinator?: Coordinator;
  /** reserve: a record of the order found on another shard, or a coordinator. */
  earlier?: EarlierRecord;
}

/** An order's record found before its reserve ran; `reserve` is its stored first outcome. */
interface EarlierRecord {
  shard: number;
  kind: string | null;
  reserve: string | null;
}

interface RecordRead {
  job: number;
  shard: number;
  orderId: string;
  /** Looking for an earlier record of the order a reserve creates. */
  earlier?: boolean;
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
    const created = layout.count > 1 ? job.command.orderOf?.(input) : undefined;
    placements.push({
      shard: given ?? (orderId === undefined ? 0 : layout.homeShardOf(orderId)),
      reservedSkus: [],
    });
    if (created !== undefined)
      for (const shard of everyShard) reads.push({ job: i, shard, orderId: created, earlier: true });
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
    const [status, items, kind = null, reserve = null] = (fields ?? []) as (string | null)[];
    if (status === null || status === undefined) return;
    const placement = placements[read.job] as Placement;
    // One order can have a tombstone on its home shard and a record elsewhere (a cancel that raced
    // its placed in another consumer, docs/sharding.md): the record that answered wins, so a
    // redelivered placed replays its answer and a confirm finds what it confirms.
    if (read.earlier) {
      if (!placement.earlier || (reserve !== null && placement.earlier.reserve === null))
        placement.earlier = { shard: read.shard, kind, reserve };
      return;
    }
    if (found.has(read.job) && status === 'NONE') return;
    found.add(read.job);
    placements[read.job] =
      kind === 'coordinator'
        ? { shard: read.shard, reservedSkus: [], coordinator: { status, items: parseOrderItems(items) } }
        : { shard: read.shard, reservedSkus: reservedSkusOf(status, items) };
  });
  return placements;
}

/** Sends the plans (one pipeline per shard on a cluster) and answers each one's result. */
function send(
  deps: ExecutorDeps,
  sent: readonly { plan: ScriptPlan; shard: number }[],
): Promise<PipelineResult[]> {
  return runScriptsOnShards(
    deps.redis,
    sent.map(({ plan, shard }) => ({
      shard,
      call: { script: luaScript(plan.action), keys: plan.keys, args: plan.args },
    })),
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
  const crossShard: Promise<StockJob | undefined>[] = [];
  const deferred: StockJob[] = [];
  const ordersThisRound = new Set<string>();
  jobs.forEach((job, i) => {
    const { shard, reservedSkus, coordinator, earlier } = placements[i] as Placement;
    // With several shards, two commands of one order in one round could each miss the other's
    // record (on another shard): the second waits for the next round.
    const orderId = deps.layout.count > 1 ? orderIdOf(job) : undefined;
    if (orderId !== undefined) {
      if (ordersThisRound.has(orderId)) {
        deferred.push(job);
        return;
      }
      ordersThisRound.add(orderId);
    }
    if (coordinator && !job.command.recordOnly) {
      crossShard.push(
        settleCrossShard(job, () =>
          endAcrossShards(deps, job.command.action as never, job.input as never, coordinator),
        ),
      );
      return;
    }
    let context = contexts.get(shard);
    if (context === undefined) {
      context = deps.context(shard);
      contexts.set(shard, context);
    }
    try {
      const plan = job.command.plan(context, job.input as never, reservedSkus);
      // A single-shard reserve's script handles a record on its own shard (replay, tombstone).
      const ownRecord = earlier?.shard === shard && earlier.kind !== 'coordinator' && !('crossShard' in plan);
      if ('errors' in plan) job.resolve(plan);
      else if (earlier && !ownRecord && earlier.reserve && earlier.kind !== 'coordinator')
        // The order was reserved (or refused) before, on another shard: that first outcome stands.
        job.resolve(
          interpret({ action: 'reserve', keys: [], args: [] }, [StockCode.REPLAY, earlier.reserve]),
        );
      else if ((earlier && !ownRecord) || 'crossShard' in plan) {
        // A coordinator, or a tombstone on the home shard: the coordinator path answers both.
        const input = job.input as ReserveInput;
        const items = 'crossShard' in plan ? plan.crossShard : mergedItems(input);
        crossShard.push(settleCrossShard(job, () => reserveAcrossShards(deps, input, items)));
      } else sent.push({ job, plan, shard });
    } catch (error) {
      job.reject(error); // a caller's programming error (StockInputError), not the input's
    }
  });
  const crossAgain = (await Promise.all(crossShard)).filter((job): job is StockJob => job !== undefined);
  const again = [...deferred, ...crossAgain];
  if (sent.length === 0) return again;
  const actions = sent.map(({ plan }) => plan.action);
  const mode = sent.length === 1 ? 'single' : 'pipeline';
  const results = await timeScripts(deps.observe, actions, mode, () => send(deps, sent));
  return [
    ...again,
    ...sent.filter(({ job, plan }, i) => settle(job, plan, results[i], last)).map(({ job }) => job),
  ];
}

/** The order a job acts on or creates, if any. */
function orderIdOf(job: StockJob): string | undefined {
  const input = job.input as never;
  return job.command.reservationOf?.(input) ?? job.command.orderOf?.(input);
}

/** A valid order's items, merged (its plan has checked them). */
function mergedItems(input: ReserveInput): OrderItem[] {
  const checked = normalizeItems(input.items);
  return checked.ok ? checked.items : [];
}

/** Runs a cross-shard order's protocol and settles its job; answers the job when it must go again. */
async function settleCrossShard(job: StockJob, run: () => Promise<unknown>): Promise<StockJob | undefined> {
  try {
    const outcome = await run();
    if (outcome === 'again') return job;
    job.resolve(outcome);
  } catch (error) {
    job.reject(error);
  }
  return undefined;
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
