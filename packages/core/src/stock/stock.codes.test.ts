import { describe, expect, it } from 'vitest';
import {
  isJournaledCode,
  reservationFailedReason,
  StockCode,
  stockOutcomeLabel,
  toStockOutcome,
} from './stock.codes.js';

describe('toStockOutcome', () => {
  it('when the code is OK, returns ok', () => {
    expect(toStockOutcome(StockCode.OK)).toEqual({ ok: true });
  });

  it('when the code is a failure, returns its name as the reason', () => {
    // Arrange: every failure code of docs/stock-model.md
    const expected: [number, string][] = [
      [-1, 'INSUFFICIENT_STOCK'],
      [-2, 'SKU_NOT_FOUND'],
      [-3, 'RESERVATION_NOT_FOUND'],
      [-4, 'RESERVATION_EXPIRED'],
      [-5, 'RESERVATION_RELEASED'],
      [-6, 'VERSION_CONFLICT'],
      [-7, 'BELOW_RESERVED'],
      [-8, 'INVALID_ORDER'],
      [-9, 'ALREADY_CONFIRMED'],
      [-10, 'EXISTS'],
      [-11, 'NOT_DUE'],
      [-12, 'TOTAL_LIMIT'],
    ];
    // Act / Assert
    for (const [code, reason] of expected) expect(toStockOutcome(code)).toEqual({ ok: false, reason });
  });

  it('when the code is REPLAY, STALE_KEYS or unknown, throws (those never reach a caller)', () => {
    expect(() => toStockOutcome(StockCode.REPLAY)).toThrow(RangeError);
    expect(() => toStockOutcome(StockCode.STALE_KEYS)).toThrow(RangeError);
    expect(() => toStockOutcome(42)).toThrow(/unknown stock script code 42/);
  });
});

describe('isJournaledCode', () => {
  it('when a command fails with an outcome, says it was journaled', () => {
    expect(isJournaledCode('reserve', StockCode.INSUFFICIENT_STOCK)).toBe(true);
    expect(isJournaledCode('confirm', StockCode.RESERVATION_NOT_FOUND)).toBe(true);
    expect(isJournaledCode('decrease', StockCode.INSUFFICIENT_STOCK)).toBe(true);
  });

  it('when init finds the SKU or expire has nothing to do, says nothing was journaled', () => {
    expect(isJournaledCode('init', StockCode.EXISTS)).toBe(false);
    expect(isJournaledCode('expire', StockCode.NOT_DUE)).toBe(false);
    expect(isJournaledCode('expire', StockCode.ALREADY_CONFIRMED)).toBe(false);
    expect(isJournaledCode('expire', StockCode.OK)).toBe(true);
  });
});

describe('reservationFailedReason', () => {
  it('when stock is short, names it NOT_ENOUGH_STOCK as the wire contract does', () => {
    expect(reservationFailedReason(StockCode.INSUFFICIENT_STOCK)).toBe('NOT_ENOUGH_STOCK');
    expect(reservationFailedReason(StockCode.SKU_NOT_FOUND)).toBe('SKU_NOT_FOUND');
    expect(reservationFailedReason(StockCode.INVALID_ORDER)).toBe('INVALID_ORDER');
    // A named location that is unknown or inactive: the contract has no reason of its own for it.
    expect(reservationFailedReason(StockCode.LOCATION_NOT_FOUND)).toBe('INVALID_ORDER');
    expect(() => reservationFailedReason(StockCode.OK)).toThrow(RangeError);
  });
});

describe('stockOutcomeLabel', () => {
  it('when an outcome is a replay, a success or a failure, labels it replay, ok or its reason', () => {
    expect(stockOutcomeLabel({ ok: false, replayed: true, reason: 'INSUFFICIENT_STOCK' })).toBe('replay');
    expect(stockOutcomeLabel({ ok: true, replayed: false })).toBe('ok');
    expect(stockOutcomeLabel({ ok: false, replayed: false, reason: 'INSUFFICIENT_STOCK' })).toBe(
      'INSUFFICIENT_STOCK',
    );
  });
});
