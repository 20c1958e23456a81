import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ErrorCode } from '../http/api-error.js';

export interface RateLimitOptions {
  /** Requests per client (IP address) per minute. */
  max: number;
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
    max: options.max,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, ErrorCode.TOO_MANY_REQUESTS, `Too many requests: at most ${context.max} per minute`, {
        details: { retryAfter: context.after },
      }),
  });
}

export const rateLimitPlugin = fp(rateLimitSetup, { name: 'rate-limit', fastify: '5.x' });
