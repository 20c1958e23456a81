import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';
import { errorEnvelope } from '../http/envelope.js';
import { toApiError } from '../http/error-mapping.js';
import { stringifyResponse } from '../http/json-body.js';

/**
 * One error handler and one not-found handler: every error leaves in the error envelope. Errors are
 * serialised losslessly because fieldErrors may echo a number above 2^53.
 */

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.extras.headers) reply.headers(error.extras.headers);
  return reply
    .code(error.statusCode)
    .type('application/json; charset=utf-8')
    .serializer(stringifyResponse)
    .send(errorEnvelope(error.toBody(), error.extras.at));
}

/** Used by the error handler and by Fastify's frameworkErrors (bad URL, too-long parameter). */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) {
    request.log.error(
      { err: error },
      apiError.statusCode === 503 ? 'dependency unavailable' : 'unhandled error',
    );
  }
  return sendApiError(reply, apiError);
}

async function errorHandler(app: FastifyInstance): Promise<void> {
  let closing = false;
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]?.slice(0, 200) ?? '';
    sendApiError(reply, new ApiError(404, ErrorCode.NOT_FOUND, `No route for ${request.method} ${path}`));
  });
  // Replaces Fastify's return503OnClosing, whose body is not an envelope.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!closing) return done();
    done(
      new ApiError(503, ErrorCode.UNAVAILABLE, 'The server is shutting down', {
        headers: { connection: 'close' },
      }),
    );
  });
}

export const errorHandlerPlugin = fp(errorHandler, { name: 'error-handler', fastify: '5.x' });
