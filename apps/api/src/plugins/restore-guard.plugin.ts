import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';
import { errorEnvelope } from '../http/envelope.js';

export interface RestoreGuardOptions {
  /** True while Redis is being restored from MariaDB (the restored-data marker is missing). */
  isRedisRestoring?: () => Promise<boolean>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const STOCK_PATHS = /^\/api\/v1\/(admin|reservations)(\/|$)/;
/** The SKU listing walks Redis: mid-restore it would silently miss SKUs, so it waits too. */
const LISTING_PATH = /^\/api\/v1\/admin\/inventory(\?|$)/;

/**
 * While Redis is being restored, stock writes (bulk adjustments included) and the SKU listing
 * answer 503 (a write now would act on a store that is being rebuilt), and a read that finds no SKU
 * or reservation answers 503 instead of 404: it may simply not be restored yet. Reads of SKUs that are there
 * keep working.
 */
async function restoreGuard(app: FastifyInstance, options: RestoreGuardOptions): Promise<void> {
  const restoring = options.isRedisRestoring;
  if (!restoring) return;
  const unavailable = () =>
    new ApiError(
      503,
      ErrorCode.UNAVAILABLE,
      'Stock is being restored from the durable record; retry shortly',
      {
        headers: { 'retry-after': '1' },
      },
    );
  // Callback-style hooks with a synchronous fast path: they run on every request, and the read
  // path (the hot one) never needs the marker lookup, so it should not pay for a promise either.
  app.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done) => {
    const guarded =
      (WRITE_METHODS.has(request.method) && STOCK_PATHS.test(request.url)) ||
      (request.method === 'GET' && LISTING_PATH.test(request.url));
    if (!guarded) return done();
    restoring().then(
      (yes) => done(yes ? unavailable() : undefined),
      (error: Error) => done(error),
    );
  });
  // The 404 is already serialised here: swap it for the 503 envelope (a throw would be lost).
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    if (
      reply.statusCode !== 404 ||
      request.method !== 'GET' ||
      !request.url.startsWith('/api/v1/') // a SKU, its threshold, or a reservation
    ) {
      return done(null, payload);
    }
    restoring().then(
      (yes) => {
        if (!yes) return done(null, payload);
        const error = unavailable();
        reply
          .code(error.statusCode)
          .header('retry-after', '1')
          .header('content-type', 'application/json; charset=utf-8');
        done(null, JSON.stringify(errorEnvelope(error.toBody())));
      },
      (error: Error) => done(error),
    );
  });
}

export const restoreGuardPlugin = fp(restoreGuard, { name: 'restore-guard' });
