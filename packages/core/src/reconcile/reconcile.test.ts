import { describe, expect, it } from 'vitest';
import { createStockKeys } from '../stock/stock.keys.js';
import {
  describeLocationDrift,
  locationDiffs,
  locationFieldsFor,
  locationFieldsOf,
  mariadbLocations,
  redisLocations,
} from './location.compare.js';
import { observeSettled } from './reconcile.settle.js';
import { canonicalItems, redisView, reservationDiff } from './reservation.compare.js';
import {
  repairedVersion,
  skuDriftKind,
  skuIdOfStockKey,
  stockKeyPattern,
  toCounters,
} from './sku.compare.js';
import { reconcileJournalId } from './sku.repair.js';

describe('stockKeyPattern', () => {
  it('when the prefix holds glob characters, escapes them and the hash-tag braces', () => {
    expect(stockKeyPattern('inv*[1]:')).toBe('inv\\*\\[1\\]:\\{*\\}:stock');
  });

  it('when reading a key back, returns the skuId between the prefix and the suffix, braces included', () => {
    const keys = createStockKeys('inv:');
    expect(skuIdOfStockKey('inv:', keys.stock('a}:stock{b'))).toBe('a}:stock{b');
    expect(skuIdOfStockKey('inv:', keys.reservation('1'))).toBeNull();
    expect(skuIdOfStockKey('inv:', 'inv:{}:stock')).toBe('');
  });
});

describe('SKU comparison', () => {
  it('when any of total, reserved or version differs, or one side is absent, reports the kind', () => {
    const m = { total: 10, reserved: 2, version: 4 };
    expect(skuDriftKind({ ...m }, m)).toBeNull();
    expect(skuDriftKind({ ...m, version: 5 }, m)).toBe('sku-mismatch');
    expect(skuDriftKind(null, m)).toBe('sku-missing-in-redis');
    expect(skuDriftKind(m, null)).toBe('sku-missing-in-mariadb');
    expect(skuDriftKind(toCounters(['x', '0', '1']), { total: 0, reserved: 0, version: 1 })).toBe(
      'sku-mismatch',
    );
  });

  it('when repairing, picks a version above both stores', () => {
    expect(
      repairedVersion({ total: 1, reserved: 0, version: 9 }, { total: 1, reserved: 0, version: 4 }),
    ).toBe(10);
    expect(repairedVersion(null, { total: 1, reserved: 0, version: 4 })).toBe(5);
  });
});

describe('location comparison', () => {
  const row = (location_id: string, total: number | null, safety_stock = 0, backorder_limit = 0) => ({
    sku_id: 'A',
    location_id,
    total,
    reserved: total === null ? null : 0,
    safety_stock,
    backorder_limit,
  });

  it("when only default's derived counts differ, or a location is zero on one side and absent on the other, reports nothing", () => {
    // Redis: default holds 10 − 4 = 6; MariaDB keeps no counts for default. hamburg: zeros vs absent.
    const redis = redisLocations({
      total: '10',
      reserved: '0',
      't:berlin': '4',
      'r:berlin': '0',
      't:hamburg': '0',
    });
    const mariadb = mariadbLocations([row('default', null), row('berlin', 4)]);
    expect(locationDiffs(redis, mariadb)).toEqual([]);
  });

  it("when a location's counts or any location's settings differ, lists each such location once, sorted", () => {
    const redis = redisLocations({ total: '10', reserved: '0', 't:berlin': '5', 'ss:default': '1' });
    const mariadb = mariadbLocations([row('berlin', 4), row('default', null, 1, 2), row('cologne', 1)]);
    const diffs = locationDiffs(redis, mariadb);
    expect(diffs.map((d) => d.locationId)).toEqual(['berlin', 'cologne', 'default']);
    expect(diffs[2]).toEqual({
      locationId: 'default',
      redis: { total: null, reserved: null, safetyStock: 1, backorderLimit: 0 },
      mariadb: { total: null, reserved: null, safetyStock: 1, backorderLimit: 2 },
    });
    expect(describeLocationDrift(diffs.slice(2), { redis: 1, mariadb: 3 })).toBe(
      'default: redis safetyStock 1 backorderLimit 0, mariadb safetyStock 1 backorderLimit 2; safety sum: redis 1, mariadb 3',
    );
  });

  it('when a field is not a number in Redis, the location differs', () => {
    const redis = redisLocations({ total: '1', reserved: '0', 'bo:berlin': 'x' });
    expect(locationDiffs(redis, mariadbLocations([]))).toMatchObject([{ locationId: 'berlin' }]);
  });

  it('when repairing, writes the fields restore writes and the safety sum; only location fields are compared', () => {
    const fields = locationFieldsFor(mariadbLocations([row('default', null, 2), row('berlin', 4, 1, 3)]));
    expect(fields).toEqual({
      'ss:default': 2,
      'bo:default': 0,
      'ss:berlin': 1,
      'bo:berlin': 3,
      't:berlin': 4,
      'r:berlin': 0,
      safety: 3,
    });
    const hash = { total: '9', version: '3', 'r:x': '1', 't:x': '2', safety: '0' };
    expect(locationFieldsOf(hash)).toBe(
      locationFieldsOf({ safety: '0', 't:x': '2', 'r:x': '1', version: '9' }),
    );
    expect(locationFieldsOf(hash)).not.toBe(locationFieldsOf({ ...hash, 'ss:x': '0' }));
  });
});

describe('reservation comparison', () => {
  it("when items differ only in cjson's escaping or in order, they compare equal", () => {
    expect(canonicalItems('[["a\\/b",1],["A",2]]')).toBe(canonicalItems('[["A",2],["a/b",1]]'));
    expect(canonicalItems('{}')).toBe('[]');
    expect(canonicalItems('not json')).toBe('not json');
  });

  it('when Redis holds a RESERVED record without its deadline member, the deadline differs', () => {
    const redis = redisView('RESERVED', '[["A",2]]', null);
    const mariadb = { status: 'RESERVED', items: '[["A",2]]', deadline: 1_000 };
    expect(reservationDiff(redis, mariadb)).toEqual(['deadline']);
    expect(reservationDiff(null, mariadb)).toEqual(['status', 'items', 'deadline']);
  });
});

describe('reconcileJournalId', () => {
  it("when built, fits the ledger's varchar(40) and still carries the whole UUID", () => {
    const uuid = '0b6e4a6c-3f0e-4f7a-9a53-2f8d1c0e9b11';
    const id = reconcileJournalId(uuid);
    expect(id.length).toBeLessThanOrEqual(40);
    const hex = Buffer.from(id.slice('reconcile:'.length), 'base64url').toString('hex');
    expect(hex).toBe(uuid.replaceAll('-', ''));
  });
});

describe('observeSettled', () => {
  it('when the stores settle on a later look, returns that look; when they never do, the last one unsettled', async () => {
    let looks = 0;
    const settlesSecond = await observeSettled(async () => ({ settled: ++looks >= 2, value: looks }));
    const never = await observeSettled(async () => ({ settled: false, value: 'x' }));
    expect(settlesSecond).toEqual({ settled: true, value: 2 });
    expect(never).toEqual({ settled: false, value: 'x' });
  });
});
