import type { ReservationStatus } from './stock.types.js';

/**
 * A plain in-memory model of docs/locations.md: stock per (SKU, location), sourcing by priority with
 * an on-hand pass and a backorder pass, named locations, partial holds, transfers. The executable
 * specification the property test (stock.locations.model.int.test.ts) holds the Lua scripts to.
 * Not used at runtime.
 */

export interface ModelLoc {
  t: number;
  r: number;
  ss: number;
  bo: number;
}

export type Allocation = [locationId: string, units: number];

export interface LocOutcome {
  result: string;
  replayed: boolean;
  /** reserve: what each item holds (OK) or the failed items (a failure). */
  items?: [string, number, Allocation[]][];
  failedItems?: [string, number, number | null, string?][];
  shortItems?: [string, number, number][];
}

interface Reservation {
  status: ReservationStatus;
  items: [string, number, Allocation[]][];
  expiresAt: number;
  /** First outcome per action: a repeat of the action answers it again (a replay). */
  done: Partial<Record<'reserve' | 'confirm' | 'release', LocOutcome>>;
}

const codeOfStatus: Record<string, string> = {
  NONE: 'RESERVATION_NOT_FOUND',
  FAILED: 'RESERVATION_NOT_FOUND',
  EXPIRED: 'RESERVATION_EXPIRED',
  RELEASED: 'RESERVATION_RELEASED',
  CONFIRMED: 'ALREADY_CONFIRMED',
};

export interface ModelItem {
  sku: string;
  qty: number;
  at?: string;
}

const avail = (l: ModelLoc) => l.t - l.r - l.ss;
const onHand = (l: ModelLoc) => Math.max(0, avail(l));
const backorderRoom = (l: ModelLoc) => Math.max(0, avail(l) + l.bo) - onHand(l);
const RANK: Record<string, number> = {
  OK: 0,
  INSUFFICIENT_STOCK: 1,
  LOCATION_NOT_FOUND: 2,
  SKU_NOT_FOUND: 3,
};

export class LocationModel {
  /** Active locations and their priority. */
  readonly registry = new Map<string, number>([['default', 0]]);
  readonly skus = new Map<string, Map<string, ModelLoc>>();
  readonly reservations = new Map<string, Reservation>();

  loc(sku: string, id: string): ModelLoc {
    let locs = this.skus.get(sku);
    if (!locs) {
      locs = new Map();
      this.skus.set(sku, locs);
    }
    let loc = locs.get(id);
    if (!loc) {
      loc = { t: 0, r: 0, ss: 0, bo: 0 };
      locs.set(id, loc);
    }
    return loc;
  }

  private peek(sku: string, id: string): ModelLoc {
    return this.skus.get(sku)?.get(id) ?? { t: 0, r: 0, ss: 0, bo: 0 };
  }

  /** The active locations by priority, ties by id: the sourcing order. */
  order(): string[] {
    return [...this.registry.keys()].sort((a, b) => {
      const pa = this.registry.get(a) ?? 0;
      const pb = this.registry.get(b) ?? 0;
      return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0;
    });
  }

  /** Whether no SKU holds anything at a location (what a deactivation needs). */
  isEmpty(id: string): boolean {
    return [...this.skus.values()].every((locs) => {
      const l = locs.get(id);
      return !l || (l.t === 0 && l.r === 0);
    });
  }

  set(sku: string, at: string, total: number | undefined, ss?: number, bo?: number): string {
    if (!this.registry.has(at)) return 'LOCATION_NOT_FOUND';
    const cur = this.peek(sku, at);
    const t = total ?? cur.t;
    if (cur.r - t > (bo ?? cur.bo)) return 'BELOW_RESERVED';
    const loc = this.loc(sku, at);
    loc.t = t;
    if (ss !== undefined) loc.ss = ss;
    if (bo !== undefined) loc.bo = bo;
    return 'OK';
  }

  add(sku: string, at: string, qty: number): string {
    if (!this.registry.has(at)) return 'LOCATION_NOT_FOUND';
    this.loc(sku, at).t += qty;
    return 'OK';
  }

  decrease(sku: string, at: string, qty: number): string {
    if (!this.skus.has(sku)) return 'SKU_NOT_FOUND';
    if (!this.registry.has(at)) return 'LOCATION_NOT_FOUND';
    if (avail(this.peek(sku, at)) < qty) return 'INSUFFICIENT_STOCK';
    this.loc(sku, at).t -= qty;
    return 'OK';
  }

  transfer(sku: string, from: string, to: string, qty: number): string {
    if (!this.skus.has(sku)) return 'SKU_NOT_FOUND';
    if (!this.registry.has(to)) return 'LOCATION_NOT_FOUND';
    if (avail(this.peek(sku, from)) < qty) return 'INSUFFICIENT_STOCK';
    this.loc(sku, from).t -= qty;
    this.loc(sku, to).t += qty;
    return 'OK';
  }

  /** Where up to qty units come from (docs/locations.md, "Sourcing"), and the units not found. */
  private source(
    sku: string,
    ids: string[],
    qty: number,
    split: boolean,
    partial: boolean,
  ): [Allocation[], number] {
    const locs = ids.map((id) => [id, this.peek(sku, id)] as const);
    if (!split) {
      let best: Allocation | null = null;
      for (const pass of [1, 2]) {
        for (const [id, l] of locs) {
          const units = onHand(l) + (pass === 2 ? backorderRoom(l) : 0);
          if (units >= qty) return [[[id, qty]], 0];
          if (units > (best?.[1] ?? 0)) best = [id, units];
        }
      }
      return partial && best ? [[best], qty - best[1]] : [[], qty];
    }
    const taken = new Map<string, number>();
    let left = qty;
    for (const pass of [1, 2]) {
      for (const [id, l] of locs) {
        const take = Math.min(left, pass === 1 ? onHand(l) : backorderRoom(l));
        if (take > 0) {
          taken.set(id, (taken.get(id) ?? 0) + take);
          left -= take;
        }
      }
    }
    return [ids.filter((id) => taken.has(id)).map((id) => [id, taken.get(id) as number]), left];
  }

  reserve(
    orderId: string,
    items: ModelItem[],
    split: boolean,
    partial: boolean,
    expiresAt: number,
  ): LocOutcome {
    const record = this.reservations.get(orderId);
    if (record?.done.reserve) return { ...record.done.reserve, replayed: true };
    if (record) {
      // A tombstone: the order was confirmed or cancelled before it was placed.
      record.done.reserve = { result: 'INVALID_ORDER', replayed: false };
      return record.done.reserve;
    }
    let result = 'OK';
    const failed: NonNullable<LocOutcome['failedItems']> = [];
    type Miss = NonNullable<LocOutcome['failedItems']>[number];
    const plans: { item: ModelItem; allocation: Allocation[]; held: number; miss: Miss }[] = [];
    for (const item of items) {
      let fail: string | undefined;
      let ids: string[] = [];
      if (!this.skus.has(item.sku)) fail = 'SKU_NOT_FOUND';
      else if (item.at === undefined) ids = this.order();
      else if (this.registry.has(item.at)) ids = [item.at];
      else fail = 'LOCATION_NOT_FOUND';
      const available = fail ? null : ids.reduce((sum, id) => sum + avail(this.peek(item.sku, id)), 0);
      let allocation: Allocation[] = [];
      let left = item.qty;
      if (!fail) [allocation, left] = this.source(item.sku, ids, item.qty, split, partial);
      if (!fail && left > 0 && !partial) fail = 'INSUFFICIENT_STOCK';
      const miss: Miss = [item.sku, item.qty, available];
      if (item.at !== undefined) miss.push(item.at);
      if (fail) {
        if ((RANK[fail] ?? 0) > (RANK[result] ?? 0)) result = fail;
        failed.push(miss);
      } else plans.push({ item, allocation, held: item.qty - left, miss });
    }
    if (result === 'OK' && plans.every((p) => p.held === 0)) {
      result = 'INSUFFICIENT_STOCK';
      for (const p of plans) failed.push(p.miss);
    }
    if (result !== 'OK') {
      const outcome: LocOutcome = { result, replayed: false, failedItems: failed };
      this.reservations.set(orderId, {
        status: 'FAILED',
        items: [],
        expiresAt: 0,
        done: { reserve: outcome },
      });
      return outcome;
    }
    const held: [string, number, Allocation[]][] = [];
    const short: [string, number, number][] = [];
    for (const p of plans) {
      if (p.held < p.item.qty) short.push([p.item.sku, p.item.qty, p.held]);
      if (p.held === 0) continue;
      for (const [id, units] of p.allocation) this.loc(p.item.sku, id).r += units;
      held.push([p.item.sku, p.held, p.allocation]);
    }
    const outcome: LocOutcome = {
      result,
      replayed: false,
      items: held,
      ...(short.length ? { shortItems: short } : {}),
    };
    this.reservations.set(orderId, {
      status: 'RESERVED',
      items: held,
      expiresAt,
      done: { reserve: outcome },
    });
    return outcome;
  }

  /** confirm (deduct) or release: exactly the units each item holds where it holds them. */
  settle(orderId: string, action: 'confirm' | 'release', now: number): LocOutcome {
    let record = this.reservations.get(orderId);
    const previous = record?.done[action];
    if (previous) return { ...previous, replayed: true };
    if (!record) {
      record = { status: 'NONE', items: [], expiresAt: 0, done: {} };
      this.reservations.set(orderId, record);
    }
    let result = codeOfStatus[record.status] ?? 'RESERVATION_NOT_FOUND';
    if (record.status === 'RESERVED') {
      const confirm = action === 'confirm';
      const due = confirm && record.expiresAt <= now;
      this.giveBack(record, confirm && !due);
      record.status = !confirm ? 'RELEASED' : due ? 'EXPIRED' : 'CONFIRMED';
      result = due ? 'RESERVATION_EXPIRED' : 'OK';
    }
    record.done[action] = { result, replayed: false };
    return record.done[action] as LocOutcome;
  }

  /** The sweep: every RESERVED order due at `now` goes back. */
  expireDue(now: number): string[] {
    const due = [...this.reservations].filter(([, r]) => r.status === 'RESERVED' && r.expiresAt <= now);
    for (const [, record] of due) {
      this.giveBack(record, false);
      record.status = 'EXPIRED';
    }
    return due.map(([id]) => id).sort();
  }

  private giveBack(record: Reservation, deduct: boolean): void {
    for (const [sku, , allocation] of record.items)
      for (const [id, units] of allocation) {
        const loc = this.loc(sku, id);
        loc.r -= units;
        if (deduct) loc.t -= units;
      }
  }

  /** Orders RESERVED now, by id. */
  reservedOrders(): string[] {
    return [...this.reservations]
      .filter(([, r]) => r.status === 'RESERVED')
      .map(([id]) => id)
      .sort();
  }

  /** Units each location holds for open reservations. */
  openAt(sku: string, id: string): number {
    let sum = 0;
    for (const r of this.reservations.values()) {
      if (r.status !== 'RESERVED') continue;
      for (const [s, , allocation] of r.items)
        if (s === sku) for (const [l, u] of allocation) if (l === id) sum += u;
    }
    return sum;
  }
}
