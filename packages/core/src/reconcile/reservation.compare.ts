import type { ReservationDriftKind, ReservationField, ReservationView } from './reconcile.types.js';

/** An `inventory_reservation` row: the columns restore and reconcile read. */
export interface ReservationRecord {
  order_id: string;
  order_id_type: string;
  status: string;
  items: string;
  expires_at: Date | null;
  outcomes: string;
  last_journal_id: string;
}

export const RESERVATION_COLUMNS = [
  'order_id',
  'order_id_type',
  'status',
  'items',
  'expires_at',
  'outcomes',
  'last_journal_id',
] as const;

/** Everything Redis holds for an order: its record (empty: none) and its deadlines score. */
export interface RawReservation {
  hash: Record<string, string>;
  deadline: string | null;
}

/** True when nothing at all changed: a repair must not drop a field a script wrote meanwhile. */
export function sameRawReservation(a: RawReservation, b: RawReservation): boolean {
  const byField = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);
  const text = (r: RawReservation) => JSON.stringify([Object.entries(r.hash).sort(byField), r.deadline]);
  return text(a) === text(b);
}

/**
 * Items as canonical JSON: `[[skuId, qty], …]` sorted by skuId. Redis holds cjson's text (which
 * writes `/` as `\/`, and `{}` for an empty list), MariaDB JSON.stringify's, so only the parsed
 * values compare. Text that does not parse is kept as it is, so it differs from any valid list.
 */
export function canonicalItems(text: string | null): string {
  if (text === null || text === '' || text === '{}') return '[]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(parsed)) return text;
  const pairs = parsed.map((pair) =>
    Array.isArray(pair) ? [String(pair[0]), Number(pair[1])] : [String(pair), Number.NaN],
  );
  pairs.sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return JSON.stringify(pairs);
}

export function redisView(
  status: string | null | undefined,
  items: string | null | undefined,
  deadline: string | null,
): ReservationView | null {
  if (status === null || status === undefined) return null;
  const open = status === 'RESERVED' && deadline !== null;
  return { status, items: canonicalItems(items ?? null), deadline: open ? Number(deadline) : null };
}

export function mariadbView(row: ReservationRecord | null | undefined): ReservationView | null {
  if (!row) return null;
  const deadline = row.status === 'RESERVED' && row.expires_at !== null ? row.expires_at.getTime() : null;
  return { status: row.status, items: canonicalItems(row.items), deadline };
}

/** Fields that differ; every field when one side has no record. */
export function reservationDiff(
  redis: ReservationView | null,
  mariadb: ReservationView | null,
): ReservationField[] {
  if (redis === null && mariadb === null) return [];
  const fields: ReservationField[] = ['status', 'items', 'deadline'];
  if (redis === null || mariadb === null) return fields;
  return fields.filter((f) => redis[f] !== mariadb[f]);
}

export function reservationDriftKind(
  redis: ReservationView | null,
  mariadb: ReservationView | null,
): ReservationDriftKind {
  if (redis === null) return 'reservation-missing-in-redis';
  return mariadb === null ? 'reservation-missing-in-mariadb' : 'reservation-mismatch';
}

/** Only open reservations are in scope: RESERVED in at least one store. */
export function isOpen(redis: ReservationView | null, mariadb: ReservationView | null): boolean {
  return redis?.status === 'RESERVED' || mariadb?.status === 'RESERVED';
}
