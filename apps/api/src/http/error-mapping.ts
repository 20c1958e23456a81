import { InventoryError, StockRestoringError } from '@inventory/core';
import { ApiError, ErrorCode } from './api-error.js';

/**
 * The one place that turns whatever was thrown into the API's answer. Known framework errors keep
 * a client status (never a 500 for something a client sent); dependency outages become 503; any
 * other error is a bug: COMMON-500 with the message hidden (it is logged, not shown).
 */

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  fatal?: unknown;
  sqlState?: unknown;
}

const frameworkErrors: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Content-Type must be application/json',
  ],
  FST_ERR_CTP_INVALID_CONTENT_TYPE: [
    415,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Content-Type must be application/json',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, ErrorCode.BAD_JSON, 'Request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, ErrorCode.BAD_JSON, 'Request body does not match Content-Length'],
  FST_ERR_BAD_URL: [400, ErrorCode.VALIDATION, 'The URL is not valid (bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: [400, ErrorCode.VALIDATION, 'A path parameter is too long'],
};

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ER_GET_CONNECTION_TIMEOUT',
  'ER_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_CLOSING_POOL',
]);

const dependencyErrorNames = new Set([
  'MaxRetriesPerRequestError',
  'KnexTimeoutError',
  'DependencyUnavailableError',
]);

/** Redis or MariaDB could not answer: the request may succeed later (503, not a bug). */
export function isDependencyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (error instanceof InventoryError) return error.retryable;
  if (typeof e.name === 'string' && dependencyErrorNames.has(e.name)) return true;
  if (typeof e.code === 'string' && connectionCodes.has(e.code)) return true;
  if (e.name === 'SqlError' && (e.fatal === true || String(e.sqlState ?? '').startsWith('08'))) return true;
  return (
    e.message === 'Connection is closed.' ||
    e.message === "Stream isn't writeable and enableOfflineQueue options is false"
  );
}

/** Thrown when Redis or MariaDB did not answer within the request's time budget. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'redis' | 'mariadb',
    cause?: unknown,
  ) {
    super(`${dependency} is unavailable`, cause === undefined ? undefined : { cause });
    this.name = 'DependencyUnavailableError';
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const known = typeof e.code === 'string' ? frameworkErrors[e.code] : undefined;
  if (known) return new ApiError(known[0], known[1], known[2]);
  if (error instanceof StockRestoringError) {
    // The script found no restored-data marker (a FLUSHALL between the guard's check and the write).
    return new ApiError(
      503,
      ErrorCode.UNAVAILABLE,
      'Stock is being restored from the durable record; retry shortly',
      {
        headers: { 'retry-after': '1' },
      },
    );
  }
  if (isDependencyError(error)) {
    return new ApiError(503, ErrorCode.UNAVAILABLE, 'A storage dependency is unavailable; retry later');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 401) return new ApiError(401, ErrorCode.UNAUTHORIZED, 'Authentication required');
  if (status === 429) return new ApiError(429, ErrorCode.TOO_MANY_REQUESTS, 'Too many requests');
  if (status >= 400 && status < 500) {
    // Another framework error caused by the request: keep its status and its (framework) message.
    return new ApiError(
      status,
      `COMMON-${status}`,
      typeof e.message === 'string' ? e.message : 'Bad request',
    );
  }
  return new ApiError(500, ErrorCode.INTERNAL, 'Internal server error');
}

/** Resolves with the promise, or rejects with DependencyUnavailableError after `ms`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  dependency: 'redis' | 'mariadb',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyUnavailableError(dependency)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
