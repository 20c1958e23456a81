import type { RedisClient } from '../redis/redis.groups.js';
import { StockCode } from './stock.codes.js';
import { StockJournalParseError } from './stock.errors.js';
import type {
  FailedItem,
  JournalEntry,
  JournalSku,
  LocationQuantity,
  OrderItem,
  ShortItem,
  StockAction,
} from './stock.types.js';

const actions = new Set<string>([
  'init',
  'set',
  'add',
  'decrease',
  'bulk',
  'transfer',
  'reserve',
  'confirm',
  'release',
  'expire',
  'extend',
]);

type Json = Record<string, unknown>;

function str(o: Json, k: string, raw: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new StockJournalParseError(`journal entry: ${k} is not a string`, raw);
  return v;
}

function num(o: Json, k: string, raw: string): number {
  const v = o[k];
  if (typeof v !== 'number') throw new StockJournalParseError(`journal entry: ${k} is not a number`, raw);
  return v;
}

function optStr(o: Json, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** Lua's cjson writes an empty table as `{}`: anything that is not an array reads as empty. */
export function luaList<T = unknown>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function list(o: Json, k: string): unknown[] {
  return luaList(o[k]);
}

/**
 * Items as the scripts write them, `[[skuId, quantity, allocations?], …]`, where allocations is
 * `[[locationId, quantity], …]` and absent for an item held all at `default`; anything but an
 * array is none.
 */
export function toOrderItems(raw: unknown): OrderItem[] {
  return luaList(raw).map((row) => {
    const [skuId, quantity, held] = row as [string, number, unknown];
    const item: OrderItem = { skuId: String(skuId), quantity: Number(quantity) };
    if (Array.isArray(held) && held.length > 0) item.allocations = toAllocations(held);
    return item;
  });
}

function toAllocations(raw: unknown[]): LocationQuantity[] {
  return raw.map((pair) => {
    const [locationId, quantity] = pair as [string, number];
    return { locationId: String(locationId), quantity: Number(quantity) };
  });
}

/** A partial reserve's `[[skuId, requested, reserved], …]`. */
function toShort(raw: unknown[]): ShortItem[] {
  return raw.map((row) => {
    const [skuId, requested, reserved] = row as [string, number, number];
    return { skuId: String(skuId), requested: Number(requested), reserved: Number(reserved) };
  });
}

/** Items as the scripts write them (the inverse of toOrderItems), as JSON text. */
export function recordItemsJson(items: readonly OrderItem[]): string {
  return JSON.stringify(
    items.map((i) =>
      i.allocations
        ? [i.skuId, i.quantity, i.allocations.map((a) => [a.locationId, a.quantity])]
        : [i.skuId, i.quantity],
    ),
  );
}

/** The `items` field of a reservation record or coordinator (JSON); absent or empty is none. */
export function parseOrderItems(json: string | null | undefined): OrderItem[] {
  return json ? toOrderItems(JSON.parse(json)) : [];
}

type Counter = number | null | undefined;

/**
 * Reserve writes [skuId, requested, available, locationId?] (the location the item named); bulk
 * writes [skuId, requested, available, code, total, reserved].
 */
function toFailed(raw: unknown[]): FailedItem[] {
  return raw.map((row) => {
    const [skuId, requested, available, fourth, total, reserved] = row as [
      string,
      number,
      Counter,
      number | string | undefined,
      Counter,
      Counter,
    ];
    const item: FailedItem = {
      skuId: String(skuId),
      requested: Number(requested),
      available: available ?? null,
    };
    if (typeof fourth === 'string') return { ...item, locationId: fourth };
    const code = fourth;
    if (code === undefined) return item;
    return { ...item, code: code as StockCode, total: total ?? null, reserved: reserved ?? null };
  });
}

/** Parses the JSON of a journal entry or stored outcome (field `e`). */
export function parseJournalEntry(raw: string): JournalEntry {
  let o: Json;
  try {
    o = JSON.parse(raw) as Json;
  } catch {
    throw new StockJournalParseError('journal entry is not JSON', raw);
  }
  if (o === null || typeof o !== 'object' || o.v !== 1) {
    throw new StockJournalParseError('journal entry: unknown version', raw);
  }
  const action = str(o, 'action', raw);
  if (!actions.has(action)) throw new StockJournalParseError(`journal entry: unknown action ${action}`, raw);
  const orderIdType = optStr(o, 'orderIdType');
  const expiresAt = o.expiresAt;
  return {
    v: 1,
    action: action as StockAction,
    code: num(o, 'code', raw) as StockCode,
    at: num(o, 'at', raw),
    eventId: str(o, 'eventId', raw),
    causationId: str(o, 'causationId', raw),
    correlationId: str(o, 'correlationId', raw),
    actor: str(o, 'actor', raw),
    orderId: optStr(o, 'orderId'),
    orderIdType: orderIdType === 'number' || orderIdType === 'string' ? orderIdType : undefined,
    skuId: optStr(o, 'skuId'),
    reason: optStr(o, 'reason'),
    idempotencyKey: optStr(o, 'idempotencyKey'),
    digest: optStr(o, 'digest'),
    ...locationFields(o),
    ...(o.part === true ? { part: true as const } : {}),
    ...(o.stage === 'begin' ? { stage: 'begin' as const } : {}),
    expiresAt: typeof expiresAt === 'number' ? expiresAt : undefined,
    ...(typeof o.previousExpiresAt === 'number' ? { previousExpiresAt: o.previousExpiresAt } : {}),
    skus: list(o, 'skus') as JournalSku[],
    items: toOrderItems(o.items),
    failedItems: toFailed(list(o, 'failedItems')),
    ...(list(o, 'shortItems').length > 0 ? { shortItems: toShort(list(o, 'shortItems')) } : {}),
  };
}

/** The location fields of admin writes and transfers, present only when the entry has them. */
function locationFields(o: Json): Partial<JournalEntry> {
  const fields: Partial<JournalEntry> = {};
  for (const key of ['locationId', 'fromLocationId', 'toLocationId'] as const) {
    const value = optStr(o, key);
    if (value !== undefined) fields[key] = value;
  }
  if (typeof o.quantity === 'number') fields.quantity = o.quantity;
  return fields;
}

export interface JournalRecord {
  /** Stream id, e.g. `1769335200123-0`. */
  id: string;
  entry: JournalEntry;
}

export interface ReadJournalOptions {
  /** Inclusive start id (`-` = first); prefix with `(` for exclusive. */
  start?: string;
  /** Inclusive end id (`+` = last). */
  end?: string;
  count?: number;
}

/** Reads journal entries with XRANGE (tests, tools and the relay's catch-up). */
export async function readJournal(
  redis: RedisClient,
  journalKey: string,
  options: ReadJournalOptions = {},
): Promise<JournalRecord[]> {
  const start = options.start ?? '-';
  const end = options.end ?? '+';
  const rows =
    options.count === undefined
      ? await redis.xrange(journalKey, start, end)
      : await redis.xrange(journalKey, start, end, 'COUNT', options.count);
  return rows.map(([id, fields]) => ({ id, entry: parseJournalFields(fields) }));
}

/** Parses the flat field list of one stream entry (`['e', json]`). */
export function parseJournalFields(fields: string[]): JournalEntry {
  const at = fields.indexOf('e');
  const raw = at >= 0 ? fields[at + 1] : undefined;
  if (raw === undefined) throw new StockJournalParseError('journal entry has no field e', fields.join(' '));
  return parseJournalEntry(raw);
}

/**
 * The SKU states an entry changed: its `skus` when the command changed stock (OK, or a confirm that
 * found the deadline passed and expired the reservation); none for failures, whose `skus` (when
 * present) is the unchanged state.
 */
export function changedSkus(entry: JournalEntry): JournalSku[] {
  if (entry.code === StockCode.OK) return entry.skus;
  if (entry.action === 'confirm' && entry.code === StockCode.RESERVATION_EXPIRED) return entry.skus;
  return [];
}
