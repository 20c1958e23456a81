import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';

export interface RateLimitOptions {
  /** Requests per minute per token subject (per IP address without a valid token). */
  max: number;
  /** The same for tokens with the SERVICE role; 0 = not limited. */
  serviceMax: number;
}

/**
 * Who a request counts against: the token's subject, so one order service behind one address (or
 * many behind a NAT) is not throttled as one client; the IP address only without a valid token.
 * SERVICE tokens get their own bucket size. The token is verified once: the auth hook that runs
 * next finds it in the verified-token cache.
 */
function limitKey(request: FastifyRequest): string {
  const principal = request.server.identify(request);
  if (principal === null) return `ip:${request.ip}`;
  return `${principal.roles.has('SERVICE') ? 'svc' : 'sub'}:${principal.subjectKey}`;
}

/** Probes and scrapes are never limited: a throttled readiness probe would take the pod out. */
const unlimitedPrefixes = ['/health/', '/actuator/', '/metrics'];

async function rateLimitSetup(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  // Decided once per route, when it is added (this hook runs before the limiter's own onRoute hook),
  // rather than by an `allowList` function that every request would await.
  app.addHook('onRoute', (route) => {
    if (unlimitedPrefixes.some((prefix) => route.url.startsWith(prefix))) {
      route.config = { ...route.config, rateLimit: false };
    }
  });
  await app.register(rateLimit, {
    global: true,
    keyGenerator: limitKey,
    // The limiter awaits each of these per request, so only the one the setting needs is passed:
    // SERVICE tokens either skip the limiter (default) or get their own bucket size.
    ...(options.serviceMax === 0
      ? { max: options.max, allowList: (_request: FastifyRequest, key: string) => key.startsWith('svc:') }
      : {
          max: (_request: FastifyRequest, key: string) =>
            key.startsWith('svc:') ? options.serviceMax : options.max,
        }),
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, ErrorCode.TOO_MANY_REQUESTS, `Too many requests: at most ${context.max} per minute`, {
        details: { retryAfter: context.after },
      }),
  });
}

export const rateLimitPlugin = fp(rateLimitSetup, { name: 'rate-limit', fastify: '5.x' });
