import type { Knex, ServiceDeps } from '@inventory/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, ErrorCode } from '../../http/api-error.js';
import { successEnvelope } from '../../http/envelope.js';
import { withTimeout } from '../../http/error-mapping.js';
import { errorResponses } from '../../schemas/common.schema.js';
import { liveResponseSchema, readyResponseSchema } from '../../schemas/health.schema.js';

export interface HealthRoutesOptions {
  redis: ServiceDeps['redis'];
  knex: Knex;
  /** How long a dependency may take to answer before it counts as down. */
  timeoutMs: number;
  /**
   * True while Redis is being restored from MariaDB (the `Prestored` marker check belongs to the
   * durability issue); readiness is false meanwhile. Defaults to never restoring.
   */
  isRedisRestoring?: () => Promise<boolean>;
}

type State = 'UP' | 'DOWN';

async function probe(
  check: () => Promise<unknown>,
  timeoutMs: number,
  dependency: 'redis' | 'mariadb',
): Promise<State> {
  try {
    await withTimeout(check(), timeoutMs, dependency);
    return 'UP';
  } catch {
    return 'DOWN';
  }
}

/** Liveness says the process answers; readiness says it can serve (Redis, MariaDB, no restore). */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const { redis, knex, timeoutMs } = options;
  const isRedisRestoring = options.isRedisRestoring ?? (async () => false);

  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['operations'],
        summary: 'Liveness',
        description: 'UP while the process answers; it checks no dependency (use readiness for that).',
        response: { 200: liveResponseSchema },
      },
    },
    async () => successEnvelope({ status: 'UP' as const }),
  );

  async function readiness() {
    const [redisState, mariadbState, restoreState] = await Promise.all([
      probe(() => redis.ping(), timeoutMs, 'redis'),
      probe(() => knex.raw('select 1'), timeoutMs, 'mariadb'),
      probe(
        async () => {
          if (await isRedisRestoring()) throw new Error('restoring');
        },
        timeoutMs,
        'redis',
      ),
    ]);
    const checks = { redis: redisState, mariadb: mariadbState, redisRestore: restoreState };
    const up = Object.values(checks).every((s) => s === 'UP');
    if (!up) {
      throw new ApiError(503, ErrorCode.UNAVAILABLE, 'Not ready', { details: { status: 'DOWN', checks } });
    }
    return successEnvelope({ status: 'UP' as const, checks });
  }

  const readySchema = {
    operationId: 'getReadiness',
    tags: ['operations'],
    summary: 'Readiness: Redis, MariaDB, and no Redis restore in progress',
    description:
      '200 when Redis and MariaDB answer and no Redis restore is running; 503 COMMON-503 otherwise, with ' +
      'each check in `details.checks`.',
    response: { 200: readyResponseSchema, ...errorResponses(503) },
  };
  app.get('/health/ready', { schema: readySchema }, readiness);
  app.get(
    '/actuator/health',
    {
      schema: {
        ...readySchema,
        operationId: 'getActuatorHealth',
        summary: 'Readiness (the original service path)',
      },
    },
    readiness,
  );
};
