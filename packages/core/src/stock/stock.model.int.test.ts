import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedSkus, parseJournalFields } from './stock.journal.js';
import { type Cmd, cmdArb, ORDERS, type OrderPick, SKUS, setupArb } from './stock.model.arbitraries.test.js';
import { type ModelOutcome, type ModelSku, StockModel } from './stock.model.js';
import { createStockRunner, type StockRunner } from './stock.runner.js';
import { deleteByPrefix, markRestored, T0, testRedisUrl, uniqueTestPrefix } from './stock.testing.js';
import type { JournalEntry } from './stock.types.js';

/**
 * Model-based test: random command sequences run against Redis and against StockModel; after every
 * step the outcome must equal the model's, and Redis must show no oversell, conservation (reserved
 * = open reservations; every total explained by the journal's deltas) and exactly the journal
 * entries the model expects.
 */
const RUNS = Number(process.env.STOCK_MODEL_RUNS || 10_000);
const TTL_SECONDS = 900;

/** A command made concrete (event id, expected version, order) so that a replay repeats it exactly. */
type Call = Cmd & { eventId: string; expectedVersion?: number; orderId?: string };

/** Merges duplicate SKUs; null when the runner must reject the order. */
function merged(items: [string, number][]): [string, number][] | null {
  const sums = new Map<string, number>();
  for (const [skuId, qty] of items) {
    if (qty < 1 || qty > 1e9) return null;
    sums.set(skuId, (sums.get(skuId) ?? 0) + qty);
  }
  return [...sums.values()].some((q) => q > 1e9) ? null : [...sums.entries()];
}

/** What every runner outcome has in common (rejections before Redis have `entry: null`). */
type Checked =
  | { ok: true; replayed: boolean; entry: JournalEntry | null }
  | { ok: false; reason: string; replayed: boolean; entry: JournalEntry | null };

function expectSame(real: Checked, model: ModelOutcome, call: Call): void {
  const what = JSON.stringify(call);
  count(`${call.kind} ${model.result}${model.replayed ? ' (replay)' : ''}`);
  expect(real.ok ? 'OK' : real.reason, what).toBe(model.result);
  expect(real.replayed, what).toBe(model.replayed);
  if (real.entry === null) return;
  if (model.result !== 'EXISTS') expect(real.entry.eventId, what).toBe(model.eventId);
  if (model.failedItems) {
    const failed = model.failedItems.map(([skuId, requested, available]) => ({
      skuId,
      requested,
      available,
    }));
    expect(real.entry.failedItems, what).toEqual(failed);
  }
}

let redis: Redis;
let runPrefix: string;
let runs = 0;
let steps = 0;
/** How often each outcome came up, to show the sequences reach the edge cases. */
const seen = new Map<string, number>();
const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

beforeAll(() => {
  redis = new Redis(testRedisUrl());
  runPrefix = uniqueTestPrefix();
});
afterAll(async () => {
  await deleteByPrefix(redis, runPrefix);
  await redis.quit();
});

class Run {
  readonly prefix = `${runPrefix}${++runs}:`;
  readonly clock = { now: T0 };
  readonly model = new StockModel();
  readonly runner: StockRunner = createStockRunner({
    redis,
    keyPrefix: this.prefix,
    reservationTtlSeconds: TTL_SECONDS,
    finishedTtlSeconds: 3600,
    idempotencyTtlSeconds: 3600,
    clock: () => this.clock.now,
    newId: () => 'sweep',
  });
  /** Queued on the shared connection before any command of this run. */
  readonly marked = markRestored(redis, this.runner);
  readonly history: Call[] = [];
  /** Journal-derived state: the sum of every change's deltas per SKU. */
  readonly derived = new Map<string, { total: number; reserved: number }>();
  readonly adminKeys = new Set<string>();
  lastJournalId = '0-0';

  concrete(cmd: Cmd, step: number): Call | undefined {
    if (cmd.kind === 'replay') return this.history[cmd.index % Math.max(1, this.history.length)];
    const call: Call = { ...cmd, eventId: `e${step}` };
    if (cmd.kind === 'confirm' || cmd.kind === 'release') call.orderId = this.pick(cmd.order);
    if (cmd.kind === 'set' && cmd.expected !== 'none') {
      const version = this.model.skus.get(cmd.sku)?.version ?? 0;
      call.expectedVersion = cmd.expected === 'current' ? version : version + 1;
    }
    if (cmd.kind !== 'tick') this.history.push(call);
    return call;
  }

  /** `{ placed: n }`: the n-th order now RESERVED in the model (else any placed one, else '1'). */
  pick(order: OrderPick): string {
    if (typeof order === 'string') return order;
    const reserved = this.model.reservedOrders();
    const placed = this.history.flatMap((c) => (c.kind === 'reserve' ? [c.order] : []));
    const from = reserved.length > 0 ? reserved : placed;
    return from[order.placed % Math.max(1, from.length)] ?? '1';
  }

  async execute(call: Call): Promise<void> {
    const { runner, model, clock } = this;
    const who = { causationId: 'c', correlationId: 'k', actor: 'model', eventId: call.eventId };
    switch (call.kind) {
      case 'init':
        return expectSame(
          await runner.init({ ...who, skuId: call.sku, initialQuantity: call.qty }),
          model.init(call.sku, call.qty, call.eventId),
          call,
        );
      case 'set':
      case 'add':
      case 'decrease': {
        const amount = call.kind === 'set' ? call.total : call.qty;
        const idem = call.key ?? `event:${call.eventId}`;
        this.adminKeys.add(idem);
        const input = { ...who, skuId: call.sku, idempotencyKey: call.key ?? undefined };
        const real =
          call.kind === 'set'
            ? await runner.set({ ...input, total: amount, expectedVersion: call.expectedVersion })
            : await runner[call.kind]({ ...input, quantity: amount });
        return expectSame(
          real,
          model.admin(call.kind, call.sku, amount, idem, call.eventId, call.expectedVersion),
          call,
        );
      }
      case 'reserve': {
        const items = call.items.map(([skuId, quantity]) => ({ skuId, quantity }));
        const real = await runner.reserve({
          ...who,
          orderId: call.order,
          orderIdType: 'number',
          items,
          ttlSeconds: call.ttl ?? undefined,
        });
        const valid = merged(call.items);
        if (!valid) {
          count('reserve rejected before Redis');
          return void expect(real).toMatchObject({ ok: false, reason: 'INVALID_ORDER', entry: null });
        }
        const ttlMs = (call.ttl ?? TTL_SECONDS) * 1000;
        return expectSame(real, model.reserve(call.order, valid, clock.now, ttlMs, call.eventId), call);
      }
      case 'confirm': {
        const orderId = call.orderId ?? '1';
        const real = await runner.confirm({ ...who, orderId, orderIdType: 'number' });
        return expectSame(real, model.confirm(orderId, clock.now, call.eventId), call);
      }
      case 'release': {
        const orderId = call.orderId ?? '1';
        const real = await runner.release({ ...who, orderId, orderIdType: 'number', reason: call.reason });
        return expectSame(real, model.release(orderId, call.eventId), call);
      }
      case 'expire': {
        clock.now += call.advanceMs;
        const sweep = await runner.expireDue(10);
        const expired = sweep.outcomes.filter((o) => o.ok && !o.replayed).map((o) => o.entry?.orderId);
        expect(sweep.due).toBe(expired.length);
        count(`expire ${expired.length > 0 ? 'expired some' : 'nothing due'}`);
        return void expect(expired.sort()).toEqual(model.expireDue(clock.now));
      }
      case 'tick':
        clock.now += call.ms;
    }
  }

  /** One round trip: every SKU, every reservation, the deadline set and the new journal entries. */
  async check(journalBefore: number): Promise<void> {
    const keys = this.runner.keys;
    const p = redis.pipeline();
    for (const s of SKUS) p.hmget(keys.stock(s), 'total', 'reserved', 'version');
    for (const o of ORDERS) p.hmget(keys.reservation(o), 'status', 'items');
    p.zrange(keys.deadlines, 0, -1);
    p.xrange(keys.journal, `(${this.lastJournalId}`, '+');
    const replies = ((await p.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const real = new Map<string, ModelSku>();
    SKUS.forEach((s, i) => {
      const [total, reserved, version] = replies[i] as (string | null)[];
      if (total !== null && total !== undefined)
        real.set(s, { total: Number(total), reserved: Number(reserved), version: Number(version) });
    });
    const open = new Map<string, number>();
    ORDERS.forEach((o, i) => {
      const [status, items] = replies[SKUS.length + i] as (string | null)[];
      expect(status ?? undefined, `status of ${o}`).toBe(this.model.reservations.get(o)?.status);
      if (status !== 'RESERVED') return;
      for (const [s, q] of JSON.parse(items as string) as [string, number][])
        open.set(s, (open.get(s) ?? 0) + q);
    });
    for (const [s, state] of real) {
      expect(state.total - state.reserved, `no oversell on ${s}`).toBeGreaterThanOrEqual(0);
      expect(state.reserved, `reserved of ${s} = open reservations`).toBe(open.get(s) ?? 0);
    }
    expect(Object.fromEntries(real)).toEqual(Object.fromEntries(this.model.skus));
    expect((replies.at(-2) as string[]).sort()).toEqual(this.model.reservedOrders());
    const entries = replies.at(-1) as [string, string[]][];
    expect(entries.length, 'journal entries appended by this step').toBe(this.model.journal - journalBefore);
    this.applyJournal(entries, real);
  }

  /** Conservation through the journal: the deltas of every change add up to each SKU's state. */
  applyJournal(entries: [string, string[]][], real: Map<string, ModelSku>): void {
    for (const [id, fields] of entries) {
      this.lastJournalId = id;
      for (const change of changedSkus(parseJournalFields(fields))) {
        const d = this.derived.get(change.skuId) ?? { total: 0, reserved: 0 };
        d.total += change.dTotal;
        d.reserved += change.dReserved;
        this.derived.set(change.skuId, d);
        expect([d.total, d.reserved]).toEqual([change.total, change.reserved]);
      }
    }
    for (const [s, state] of real)
      expect(this.derived.get(s)).toEqual({ total: state.total, reserved: state.reserved });
  }

  async cleanup(): Promise<void> {
    const k = this.runner.keys;
    const all = [...SKUS.map(k.stock), ...ORDERS.map(k.reservation), k.deadlines, k.journal];
    all.push(...[...this.adminKeys].map(k.idempotency));
    await redis.unlink(...all);
  }
}

describe('stock commands against a model', () => {
  it('when 10,000 random command sequences run, every outcome and state matches the model', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(setupArb, fc.array(cmdArb, { minLength: 1, maxLength: 12 }), async (setup, cmds) => {
        const run = new Run();
        try {
          for (const [step, cmd] of [...setup, ...cmds].entries()) {
            const call = run.concrete(cmd, step);
            if (!call) continue;
            const journalBefore = run.model.journal;
            await run.execute(call);
            await run.check(journalBefore);
            steps += 1;
          }
        } finally {
          await run.cleanup();
        }
      }),
      { numRuns: RUNS },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`model-based test: ${runs} sequences (${RUNS} runs), ${steps} steps in ${seconds}s`);
    console.log(
      [...seen.entries()]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join('\n'),
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  }, 600_000);
});
