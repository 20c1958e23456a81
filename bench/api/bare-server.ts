import { createRequire } from 'node:module';
import { Redis } from 'ioredis';

/**
 * The baseline: bare Fastify + ioredis doing the same read as GET /api/v1/inventory/{skuId}
 * (one hash read of the SKU's stock key), with no auth, validation, rate limit, metrics or logging.
 * Fastify comes from apps/api, so both servers run the same Fastify version.
 * Env: REDIS_URL, BENCH_PREFIX (the API's REDIS_KEY_PREFIX), PORT. Prints `listening <port>`.
 */

/** The little of Fastify this file uses (its types live in apps/api, not at the root). */
interface Reply {
  code(status: number): { send(body: object): unknown };
}
interface MiniFastify {
  get(
    path: string,
    handler: (request: { params: { skuId: string } }, reply: Reply) => Promise<unknown>,
  ): void;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
}

const requireFromApi = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const Fastify = requireFromApi('fastify') as (options: { logger: boolean }) => MiniFastify;

const prefix = process.env.BENCH_PREFIX ?? '';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
const app = Fastify({ logger: false });

app.get('/bare/:skuId', async (request, reply) => {
  const { skuId } = request.params;
  const hash = await redis.hgetall(`${prefix}{${skuId}}:stock`);
  if (hash.total === undefined) return reply.code(404).send({ success: false });
  const total = Number(hash.total);
  const reserved = Number(hash.reserved ?? 0);
  return {
    success: true,
    data: {
      skuId,
      total,
      reserved,
      available: total - reserved,
      version: Number(hash.version ?? 0),
      updatedAt: new Date(Number(hash.updatedAt ?? 0)).toISOString(),
    },
    timestamp: new Date().toISOString(),
  };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  redis.disconnect();
  process.exit(0);
});
