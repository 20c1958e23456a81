import { randomUUID } from 'node:crypto';
import type { CommandContext } from '@inventory/core';
import type { FastifyRequest } from 'fastify';
import { ApiError, ErrorCode } from './api-error.js';

/**
 * Who and why, for a write: the journal's causationId is the Idempotency-Key (or a fresh UUID), the
 * correlationId comes from the body, else `X-Correlation-Id`, else the route's fallback (the orderId
 * for reservations, the request id for admin writes). The caller's key is namespaced by the caller,
 * so two clients that happen to pick the same key never share an outcome.
 */

export interface WriteContext extends CommandContext {
  /** Namespaced for the runner (`api:<caller>:<key>`); undefined without the header. */
  idempotencyKey: string | undefined;
}

export function writeContext(
  request: FastifyRequest,
  fallbackCorrelationId: string,
  bodyCorrelationId?: string,
): WriteContext {
  const principal = request.principal;
  if (principal === null) throw new ApiError(401, ErrorCode.UNAUTHORIZED, 'Authentication required');
  // Validated by the route's header schema (1..255 visible ASCII characters).
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' && header !== '' ? header : undefined;
  const fromHeader = request.correlationId !== request.id ? request.correlationId : undefined;
  const correlationId = bodyCorrelationId ?? fromHeader ?? fallbackCorrelationId;
  request.correlationId = correlationId;
  return {
    causationId: key ?? randomUUID(),
    correlationId,
    actor: principal.actor,
    idempotencyKey: key === undefined ? undefined : `api:${principal.subjectKey}:${key}`,
  };
}
