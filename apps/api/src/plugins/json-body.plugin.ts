import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';
import { parseJsonBody } from '../http/json-body.js';

/**
 * application/json is the only request body the API takes: any other Content-Type with a body is
 * refused with 415. A Content-Type on a request without a body (a DELETE from a client that always
 * sets one) is ignored: there is nothing to refuse. Bodies are parsed with lossless-json so an orderId above 2^53 keeps its
 * digits; an empty body is "no body" (confirm and release take none), and the route's schema
 * decides whether that is allowed.
 */
async function jsonBody(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      const detail = error instanceof Error ? error.message : 'unreadable';
      done(new ApiError(400, ErrorCode.BAD_JSON, `Malformed JSON: ${detail.slice(0, 200)}`), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') done(null, undefined);
    else
      done(
        new ApiError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Content-Type must be application/json'),
        undefined,
      );
  });
}

export const jsonBodyPlugin = fp(jsonBody, { name: 'json-body', fastify: '5.x' });
