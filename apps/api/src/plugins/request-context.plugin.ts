import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import fp from 'fastify-plugin';

/**
 * Request id and correlation id. `X-Request-Id` is honoured when it looks like an id (else a new
 * UUID), echoed on every reply and bound to every log line of the request, together with the
 * correlation id (`X-Correlation-Id`, else the request id; reservation routes refine it from the
 * body).
 */

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

const idPattern = /^[A-Za-z0-9._:@-]{1,128}$/;

/** A header value usable as an id in logs, journal entries and the ledger, or undefined. */
export function headerId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && idPattern.test(value) ? value : undefined;
}

export const genReqId = (req: IncomingMessage): string =>
  headerId(req.headers['x-request-id']) ?? randomUUID();

/**
 * One log line per request, on completion, instead of Fastify's two ("incoming request" and
 * "request completed"): logging was the largest cost of a read (bench/api), and the one line says
 * what both did. A header correlation id is bound to the request logger already; one taken from
 * the body (or the orderId) is added to the line.
 */
export class ApiLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line: Record<string, unknown> = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (headerId(request.headers['x-correlation-id']) === undefined)
      line.correlationId = request.correlationId || request.id;
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request completed');
  }
}

/** Fastify options that bind the ids to the request logger and shape the request log line. */
export const requestLoggingOptions: Pick<
  FastifyServerOptions,
  'genReqId' | 'childLoggerFactory' | 'logController'
> = {
  genReqId,
  logController: new ApiLogController(),
  childLoggerFactory(logger, bindings, options, rawReq) {
    const correlationId = headerId((rawReq as IncomingMessage).headers['x-correlation-id']);
    return logger.child(correlationId === undefined ? bindings : { ...bindings, correlationId }, options);
  },
};

async function requestContext(app: FastifyInstance): Promise<void> {
  app.decorateRequest('correlationId', '');
  // A callback-style hook: it runs on every request and needs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    request.correlationId = headerId(request.headers['x-correlation-id']) ?? request.id;
    reply.header('x-request-id', request.id);
    done();
  });
}

export const requestContextPlugin = fp(requestContext, { name: 'request-context', fastify: '5.x' });
