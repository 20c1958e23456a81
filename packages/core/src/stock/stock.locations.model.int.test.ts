import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedSkus, parseJournalFields } from './stock.journal.js';
import { publishLocations, readSkuLocations } from './stock.locations.js';
import {
  type Cmd,
  cmdArb,
  LOCS,
  ORDERS,
  PRIORITY,
  SKUS,
  setupArb,
  TTL_MS,
} from './stock.locations.model.arbitraries.test.js';
import { type Allocation, LocationModel, type LocOutcome } from './stock.locations.model.js';
import { createStockRunner, type StockRunner } from './stock.runner.js';
import { deleteByPrefix, markRestored, T0, testRedisUrl, uniqueTestPrefix } from './stock.testing.js';
import type { JournalEntry, OrderItem } from './stock.types.js';

/**
 * Model-based test of stock per location (docs/locations.md): random sequences of location writes,
 * transfers, reserves (named locations, split or not, partial or not), confirms, releases, expiries
 * and registry changes run against Redis and against LocationModel. After every step: the same
 * outcome, the same per-location state, reserved ≤ total + backorderLimit everywhere, every held
 * unit accounted to an open reservation, and each location's state explained by the journal.
 */
const RUNS = Number(process.env.STOCK_LOCATION_MODEL_RUNS || 10_000);
let redis: Redis;
let runPrefix: string;
let runs = 0;
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

const allocationsOf = (i: OrderItem): Allocation[] =>
  (i.allocations ?? [{ locationId: 'default', quantity: i.quantity }]).map((a) => [a.locationId, a.quantity]);

function expectOutcome(
  real: { ok: boolean; reason?: string; replayed: boolean; entry: JournalEntry | null },
  model: LocOutcome,
  what: string,
): void {
  count(`${(JSON.parse(what) as { kind: string }).kind} ${model.result}${model.replayed ? ' (replay)' : ''}`);
  if (model.shortItems && !model.replayed) count('reserve partial, short');
  if (model.items?.some(([, , allocation]) => allocation.length > 1) && !model.replayed)
    count('reserve split');
  expect(real.ok ? 'OK' : real.reason, what).toBe(model.result);
  expect(real.replayed, what).toBe(model.replayed);
  const entry = real.entry;
  if (!entry) return;
  if (model.items)
    expect(
      entry.items.map((i) => [i.skuId, i.quantity, allocationsOf(i)]),
      what,
    ).toEqual(model.items);
  if (model.failedItems) {
    const failed = model.failedItems.map(([skuId, requested, available, at]) => ({
      skuId,
      requested,
      available,
      ...(at === undefined ? {} : { locationId: at }),
    }));
    expect(entry.failedItems, what).toEqual(failed);
  }
  const short = model.shortItems?.map(([skuId, requested, reserved]) => ({ skuId, requested, reserved }));
  expect(entry.shortItems, what).toEqual(short);
}

class Run {
  readonly prefix = `${runPrefix}${++runs}:`;
  readonly clock = { now: T0 };
  readonly model = new LocationModel();
  readonly runner: StockRunner = createStockRunner({
    redis,
    keyPrefix: this.prefix,
    reservationTtlSeconds: TTL_MS / 1000,
    finishedTtlSeconds: 3600,
    idempotencyTtlSeconds: 3600,
    clock: () => this.clock.now,
  });
  readonly marked = markRestored(redis, this.runner);
  readonly history: Cmd[] = [];
  /** Per (SKU, location): the sum of the journal's deltas. */
  readonly derived = new Map<string, { t: number; r: number }>();
  lastJournalId = '0-0';

  async publish(): Promise<void> {
    const entries = LOCS.map((id) => ({
      locationId: id,
      priority: PRIORITY[id] ?? 0,
      active: this.model.registry.has(id),
    }));
    await publishLocations(redis, this.runner.layout, entries);
  }

  async execute(cmd: Cmd, step: number): Promise<void> {
    const { runner, model, clock } = this;
    const who = { causationId: 'c', correlationId: 'k', actor: 'model', eventId: `e${step}` };
    const what = JSON.stringify(cmd);
    switch (cmd.kind) {
      case 'set': {
        const real = await runner.set({
          ...who,
          skuId: cmd.sku,
          locationId: cmd.at,
          total: cmd.total,
          safetyStock: cmd.ss,
          backorderLimit: cmd.bo,
        });
        if (cmd.total === undefined && cmd.ss === undefined && cmd.bo === undefined) {
          count('set nothing: rejected');
          return void expect(real, what).toMatchObject({
            ok: false,
            reason: 'INVALID_QUANTITY',
            entry: null,
          });
        }
        return expectOutcome(
          real,
          { result: model.set(cmd.sku, cmd.at, cmd.total, cmd.ss, cmd.bo), replayed: false },
          what,
        );
      }
      case 'add':
      case 'decrease': {
        const real = await runner[cmd.kind]({
          ...who,
          skuId: cmd.sku,
          locationId: cmd.at,
          quantity: cmd.qty,
        });
        return expectOutcome(
          real,
          { result: model[cmd.kind](cmd.sku, cmd.at, cmd.qty), replayed: false },
          what,
        );
      }
      case 'transfer': {
        const real = await runner.transfer({
          ...who,
          skuId: cmd.sku,
          fromLocationId: cmd.from,
          toLocationId: cmd.to,
          quantity: cmd.qty,
        });
        return expectOutcome(
          real,
          { result: model.transfer(cmd.sku, cmd.from, cmd.to, cmd.qty), replayed: false },
          what,
        );
      }
      case 'reserve': {
        const items = cmd.items.map((i) => ({
          skuId: i.sku,
          quantity: i.qty,
          ...(i.at ? { locationId: i.at } : {}),
        }));
        const real = await runner.reserve({
          ...who,
          orderId: cmd.order,
          orderIdType: 'string',
          items,
          allowSplit: cmd.split,
          allowPartial: cmd.partial,
        });
        return expectOutcome(
          real,
          model.reserve(cmd.order, cmd.items, cmd.split, cmd.partial, clock.now + TTL_MS),
          what,
        );
      }
      case 'confirm':
      case 'release': {
        const orderId = this.pick(cmd.order);
        const input = { ...who, orderId, orderIdType: 'string' as const };
        const real =
          cmd.kind === 'confirm'
            ? await runner.confirm(input)
            : await runner.release({ ...input, reason: 'MANUAL' });
        return expectOutcome(real, model.settle(orderId, cmd.kind, clock.now), what);
      }
      case 'expire': {
        clock.now += cmd.advanceMs;
        const sweep = await runner.expireDue(10);
        const expired = sweep.outcomes.filter((o) => o.ok && !o.replayed).map((o) => o.entry?.orderId);
        count(`expire ${expired.length}`);
        return void expect(expired.sort(), what).toEqual(model.expireDue(clock.now));
      }
      case 'registry': {
        // As the API does: a location leaves the registry only when it holds nothing.
        if (cmd.active) model.registry.set(cmd.loc, PRIORITY[cmd.loc] ?? 0);
        else if (model.isEmpty(cmd.loc)) model.registry.delete(cmd.loc);
        else return void count('registry refused');
        count(`registry ${cmd.active ? 'on' : 'off'}`);
        return this.publish();
      }
    }
  }

  /** `{ placed: n }`: the n-th order RESERVED in the model now (else order '1'). */
  pick(order: string | { placed: number }): string {
    if (typeof order === 'string') return order;
    const reserved = this.model.reservedOrders();
    return reserved[order.placed % Math.max(1, reserved.length)] ?? '1';
  }

  async check(): Promise<void> {
    for (const s of SKUS) {
      const real = new Map(
        (await readSkuLocations(redis, this.runner.layout, s)).map((l) => [l.locationId, l]),
      );
      const model = this.model.skus.get(s);
      for (const id of LOCS) {
        const r = real.get(id);
        const m = model?.get(id) ?? { t: 0, r: 0, ss: 0, bo: 0 };
        const got = {
          t: r?.total ?? 0,
          r: r?.reserved ?? 0,
          ss: r?.safetyStock ?? 0,
          bo: r?.backorderLimit ?? 0,
        };
        expect(got, `${s}@${id}`).toEqual(m);
        expect(got.r, `no oversell beyond the backorder limit at ${s}@${id}`).toBeLessThanOrEqual(
          got.t + got.bo,
        );
        if (got.r > got.t) count('state: a location backordered');
        expect(got.r, `held units of ${s}@${id} = open reservations`).toBe(this.model.openAt(s, id));
        const d = this.derived.get(`${s}@${id}`) ?? { t: 0, r: 0 };
        if (real.size > 0) expect(d, `${s}@${id} explained by the journal`).toEqual({ t: got.t, r: got.r });
      }
    }
  }

  /** Every key a run can write (SCAN per run would walk the whole shared Redis). */
  async cleanup(steps: number): Promise<void> {
    const k = this.runner.keys;
    const keys = [
      ...SKUS.map(k.stock),
      ...ORDERS.map(k.reservation),
      k.deadlines,
      k.journal,
      k.locations,
      k.restored,
    ];
    for (let step = 0; step < steps; step += 1) keys.push(k.idempotency(`event:e${step}`));
    await redis.unlink(...keys);
  }

  /** Conservation per location: each entry's location deltas add up to the state it reports. */
  async applyJournal(): Promise<void> {
    const entries = await redis.xrange(this.runner.keys.journal, `(${this.lastJournalId}`, '+');
    for (const [id, fields] of entries) {
      this.lastJournalId = id;
      for (const change of changedSkus(parseJournalFields(fields))) {
        const moves = change.locations ?? [
          {
            locationId: 'default',
            dTotal: change.dTotal,
            dReserved: change.dReserved,
            total: change.total,
            reserved: change.reserved,
          },
        ];
        for (const m of moves) {
          const key = `${change.skuId}@${m.locationId}`;
          const d = this.derived.get(key) ?? { t: 0, r: 0 };
          d.t += m.dTotal;
          d.r += m.dReserved;
          this.derived.set(key, d);
          expect([d.t, d.r], `${key} after ${id}`).toEqual([m.total, m.reserved]);
        }
      }
    }
  }
}

describe('stock per location against a model', () => {
  it('when 10,000 random sequences run, every outcome and every location matches the model', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(setupArb, fc.array(cmdArb, { minLength: 1, maxLength: 14 }), async (setup, list) => {
        const cmds = [...setup, ...list];
        const run = new Run();
        run.model.registry.set('n', 1).set('s', 2);
        await run.marked;
        await run.publish();
        try {
          for (const [step, cmd] of cmds.entries()) {
            await run.execute(cmd, step);
            await run.applyJournal();
            await run.check();
          }
        } finally {
          await run.cleanup(cmds.length);
        }
      }),
      { numRuns: RUNS },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `location model test: ${runs} sequences in ${seconds}s\n${[...seen]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join('\n')}`,
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
    const musts = ['reserve OK', 'reserve INSUFFICIENT_STOCK', 'reserve LOCATION_NOT_FOUND', 'reserve split'];
    musts.push(
      'reserve partial, short',
      'state: a location backordered',
      'transfer OK',
      'confirm OK',
      'expire 1',
    );
    for (const must of musts) expect(seen.get(must) ?? 0, must).toBeGreaterThan(0);
  }, 900_000);
});
