import { z } from 'zod';
import { successSchema } from './common.schema.js';

const checkState = z.enum(['UP', 'DOWN']);

export const liveResponseSchema = successSchema(z.object({ status: z.literal('UP') }));

export const readinessSchema = z
  .object({
    status: checkState,
    checks: z.object({
      redis: checkState,
      mariadb: checkState,
      redisRestore: checkState.meta({ description: 'DOWN while Redis is being restored from MariaDB' }),
    }),
  })
  .meta({ id: 'Readiness' });

export const readyResponseSchema = successSchema(readinessSchema);
