import type { ReservationStatus } from './stock.types.js';

/**
 * A plain in-memory model of docs/stock-model.md: the executable specification the property test
 * (stock.model.int.test.ts) holds the Lua scripts to. Not used at runtime.
 */

export const MODEL_TOTAL_LIMIT = 1e12;

export interface ModelSku {
  total: number;
  reserved: number;
  version: number;
}

/** What a call is expected to answer: the first outcome's name, whether it is a replay, its event. */
export interface ModelOutcome {
  /** 'OK' or a failure reason. */
  result: string;
  replayed: boolean;
  /** Event id of the first outcome (for a replay, the stored one). */
  eventId: string;
  failedItems?: [string, number, number | null][];
}

interface ModelReservation {
  status: ReservationStatus;
  items: [string, number][];
  expiresAt: number | null;
  done: Partial<Record<'reserve' | 'confirm' | 'release' | 'expire', ModelOutcome>>;
}

interface Stored {
  action: string;
  skuId: string;
  outcome: ModelOutcome;
}

const codeOfStatus: Record<string, string> = {
  NONE: 'RESERVATION_NOT_FOUND',
  FAILED: 'RESERVATION_NOT_FOUND',
  EXPIRED: 'RESERVATION_EXPIRED',
  RELEASED: 'RESERVATION_RELEASED',
  CONFIRMED: 'ALREADY_CONFIRMED',
};

export class StockModel {
  readonly skus = new Map<string, ModelSku>();
  readonly reservations = new Map<string, ModelReservation>();
  private readonly idempotency = new Map<string, Stored>();
  /** Entries the journal must hold. */
  journal = 0;

  private first(result: string, eventId: string, journaled = true): ModelOutcome {
    if (journaled) this.journal += 1;
    return { result, replayed: false, eventId };
  }

  private bump(skuId: string, dTotal: number, dReserved: number): void {
    const sku = this.skus.get(skuId) ?? { total: 0, reserved: 0, version: 0 };
    this.skus.set(skuId, {
      total: sku.total + dTotal,
      reserved: sku.reserved + dReserved,
      version: sku.version + 1,
    });
  }

  init(skuId: string, quantity: number, eventId: string): ModelOutcome {
    if (this.skus.has(skuId)) return { result: 'EXISTS', replayed: false, eventId };
    this.skus.set(skuId, { total: quantity, reserved: 0, version: 1 });
    return this.first('OK', eventId);
  }

  /** set, add and decrease; `key` is the idempotency key (or `event:<eventId>` when none). */
  admin(
    action: 'set' | 'add' | 'decrease',
    skuId: string,
    amount: number,
    key: string,
    eventId: string,
    expected?: number,
  ): ModelOutcome {
    const stored = this.idempotency.get(key);
    if (stored) {
      const reused = stored.action !== action || stored.skuId !== skuId;
      return {
        ...stored.outcome,
        result: reused ? 'IDEMPOTENCY_KEY_REUSED' : stored.outcome.result,
        replayed: true,
      };
    }
    const sku = this.skus.get(skuId);
    const cur = sku ?? { total: 0, reserved: 0, version: 0 };
    let result = 'OK';
    if (action === 'set') {
      if (expected !== undefined && expected !== cur.version) result = 'VERSION_CONFLICT';
      else if (amount > MODEL_TOTAL_LIMIT) result = 'TOTAL_LIMIT';
      else if (amount < cur.reserved) result = 'BELOW_RESERVED';
      else this.bump(skuId, amount - cur.total, 0);
    } else if (action === 'add') {
      if (cur.total + amount > MODEL_TOTAL_LIMIT) result = 'TOTAL_LIMIT';
      else this.bump(skuId, amount, 0);
    } else if (!sku) result = 'SKU_NOT_FOUND';
    else if (sku.total - sku.reserved < amount) result = 'INSUFFICIENT_STOCK';
    else this.bump(skuId, -amount, 0);
    const outcome = this.first(result, eventId);
    this.idempotency.set(key, { action, skuId, outcome });
    return outcome;
  }

  /** `items` already merged and valid. */
  reserve(
    orderId: string,
    items: [string, number][],
    now: number,
    ttlMs: number,
    eventId: string,
  ): ModelOutcome {
    const record = this.reservations.get(orderId);
    if (record?.done.reserve) return { ...record.done.reserve, replayed: true };
    if (record) {
      record.done.reserve = this.first('INVALID_ORDER', eventId);
      return record.done.reserve;
    }
    const failed: [string, number, number | null][] = [];
    let result = 'OK';
    for (const [skuId, qty] of items) {
      const sku = this.skus.get(skuId);
      if (!sku) result = 'SKU_NOT_FOUND';
      else if (sku.total - sku.reserved < qty && result !== 'SKU_NOT_FOUND') result = 'INSUFFICIENT_STOCK';
      if (!sku || sku.total - sku.reserved < qty)
        failed.push([skuId, qty, sku ? sku.total - sku.reserved : null]);
    }
    if (result === 'OK') for (const [skuId, qty] of items) this.bump(skuId, 0, qty);
    const outcome = { ...this.first(result, eventId), ...(result === 'OK' ? {} : { failedItems: failed }) };
    const status = result === 'OK' ? 'RESERVED' : 'FAILED';
    this.reservations.set(orderId, {
      status,
      items,
      expiresAt: result === 'OK' ? now + ttlMs : null,
      done: { reserve: outcome },
    });
    return outcome;
  }

  private releaseStock(record: ModelReservation, confirm: boolean): void {
    for (const [skuId, qty] of record.items) this.bump(skuId, confirm ? -qty : 0, -qty);
  }

  confirm(orderId: string, now: number, eventId: string): ModelOutcome {
    return this.finish(orderId, 'confirm', eventId, (record) => {
      const due = (record.expiresAt as number) <= now;
      this.releaseStock(record, !due);
      record.status = due ? 'EXPIRED' : 'CONFIRMED';
      return due ? 'RESERVATION_EXPIRED' : 'OK';
    });
  }

  release(orderId: string, eventId: string): ModelOutcome {
    return this.finish(orderId, 'release', eventId, (record) => {
      this.releaseStock(record, false);
      record.status = 'RELEASED';
      return 'OK';
    });
  }

  private finish(
    orderId: string,
    action: 'confirm' | 'release',
    eventId: string,
    onReserved: (r: ModelReservation) => string,
  ): ModelOutcome {
    let record = this.reservations.get(orderId);
    const previous = record?.done[action];
    if (previous) return { ...previous, replayed: true };
    if (!record) {
      record = { status: 'NONE', items: [], expiresAt: null, done: {} };
      this.reservations.set(orderId, record);
    }
    const result =
      record.status === 'RESERVED' ? onReserved(record) : (codeOfStatus[record.status] as string);
    record.done[action] = this.first(result, eventId);
    return record.done[action] as ModelOutcome;
  }

  /** Expires every RESERVED order due at `now` (the test's batch is larger than its order pool). */
  expireDue(now: number): string[] {
    const due = [...this.reservations.entries()].filter(
      ([, r]) => r.status === 'RESERVED' && (r.expiresAt as number) <= now,
    );
    for (const [, record] of due) {
      this.releaseStock(record, false);
      record.status = 'EXPIRED';
      record.done.expire = this.first('OK', 'sweep');
    }
    return due.map(([orderId]) => orderId).sort();
  }

  /** Orders whose deadline is in the deadline set. */
  reservedOrders(): string[] {
    return [...this.reservations.entries()]
      .filter(([, r]) => r.status === 'RESERVED')
      .map(([id]) => id)
      .sort();
  }
}
