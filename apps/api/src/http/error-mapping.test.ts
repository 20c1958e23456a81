import { InventoryError, StockRestoringError } from '@inventory/core';
import { describe, expect, it } from 'vitest';
import { ApiError, validationError } from './api-error.js';
import { DependencyUnavailableError, isDependencyError, toApiError, withTimeout } from './error-mapping.js';

describe('toApiError', () => {
  it('keeps an ApiError as it is', () => {
    const error = new ApiError(409, 'INVENTORY-409-001', 'short');
    expect(toApiError(error)).toBe(error);
  });

  it.each([
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'COMMON-415'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'COMMON-413'],
    ['FST_ERR_BAD_URL', 400, 'COMMON-400-004'],
    ['FST_ERR_MAX_PARAM_LENGTH', 400, 'COMMON-400-004'],
  ])('maps the framework error %s to %i %s', (code, status, apiCode) => {
    const mapped = toApiError(Object.assign(new Error('x'), { code, statusCode: 500 }));
    expect(mapped).toMatchObject({ statusCode: status, code: apiCode });
  });

  it('when a dependency is down, answers 503 instead of 500', () => {
    expect(toApiError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toMatchObject({
      statusCode: 503,
      code: 'COMMON-503',
    });
    expect(toApiError(new DependencyUnavailableError('mariadb')).statusCode).toBe(503);
    expect(isDependencyError(new InventoryError('stale', { code: 'INV_X', retryable: true }))).toBe(true);
  });

  it('when a script found Redis being restored, answers 503 saying so, with Retry-After', () => {
    const mapped = toApiError(new StockRestoringError());
    expect(mapped).toMatchObject({ statusCode: 503, code: 'COMMON-503' });
    expect(mapped.message).toMatch(/restored/);
  });

  it('keeps another client error status from the framework', () => {
    expect(toApiError(Object.assign(new Error('nope'), { statusCode: 406 }))).toMatchObject({
      statusCode: 406,
      code: 'COMMON-406',
    });
  });

  it('when the error is a bug, answers COMMON-500 and hides the message', () => {
    const mapped = toApiError(new TypeError('secret internals'));
    expect(mapped).toMatchObject({ statusCode: 500, code: 'COMMON-500' });
    expect(mapped.message).not.toContain('secret');
  });
});

describe('validationError', () => {
  it('uses INVENTORY-400-001 when only quantities are wrong, COMMON-400-004 otherwise', () => {
    const quantity = { field: 'items[0].quantity', value: 0, reason: 'r' };
    const sku = { field: 'items[0].skuId', value: '', reason: 'r' };
    expect(validationError([quantity]).code).toBe('INVENTORY-400-001');
    expect(validationError([{ field: 'total', value: -1, reason: 'r' }]).code).toBe('INVENTORY-400-001');
    expect(validationError([quantity, sku]).code).toBe('COMMON-400-004');
  });
});

describe('withTimeout', () => {
  it('rejects with DependencyUnavailableError when the promise takes too long', async () => {
    await expect(withTimeout(new Promise(() => {}), 10, 'redis')).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    await expect(withTimeout(Promise.resolve(1), 10, 'redis')).resolves.toBe(1);
  });
});
