import { describe, expect, it } from 'vitest';
import { createStockKeys } from '../stock/stock.keys.js';
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
