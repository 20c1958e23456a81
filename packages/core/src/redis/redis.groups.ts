import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/** A single Redis or a Redis Cluster: the stock store runs on either. */
export type RedisClient = Redis | Cluster;

/** ioredis' per-command answer in a pipeline: the error, or the reply. */
export type PipelineResult = [error: Error | null, reply: unknown];

export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * Items split by group (a shard), in order. On a Redis Cluster each group becomes its own pipeline
 * (a cluster pipeline must stay on one node, and one shard is one slot); on a single Redis every
 * group shares one pipeline. `run` gets each group's items and answers one result per item.
 */
export async function inGroups<T>(
  redis: RedisClient,
  items: readonly T[],
  groupOf: (item: T) => number,
  run: (items: readonly T[]) => Promise<PipelineResult[]>,
): Promise<PipelineResult[]> {
  if (items.length === 0) return [];
  if (!isCluster(redis)) return run(items);
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const group = groupOf(item);
    const positions = groups.get(group);
    if (positions) positions.push(i);
    else groups.set(group, [i]);
  });
  const results = new Array<PipelineResult>(items.length);
  await Promise.all(
    [...groups.values()].map(async (positions) => {
      const answers = await run(positions.map((i) => items[i] as T));
      positions.forEach((position, j) => {
        results[position] = answers[j] ?? [new Error('pipeline returned no result'), null];
      });
    }),
  );
  return results;
}

/** One command per item, pipelined by group (see inGroups); results in item order. */
export function pipelineInGroups<T>(
  redis: RedisClient,
  items: readonly T[],
  groupOf: (item: T) => number,
  add: (pipeline: ChainableCommander, item: T) => void,
): Promise<PipelineResult[]> {
  return inGroups(redis, items, groupOf, async (group) => {
    const pipeline = redis.pipeline();
    for (const item of group) add(pipeline, item);
    return ((await pipeline.exec()) ?? []) as PipelineResult[];
  });
}

/**
 * SCAN MATCH `pattern` over the whole store, a batch of keys at a time: the one Redis, or every
 * master of a cluster in turn (SCAN walks one node). A key may come twice, as SCAN allows.
 */
export async function* scanNodes(
  redis: RedisClient,
  pattern: string,
  count: number,
): AsyncGenerator<string[]> {
  const nodes: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/**
 * Errors a Redis Cluster answers while a master is down, restarting or moving slots, and that the
 * client surfaces as it reconnects: the command did not run, and a retry after a moment succeeds.
 */
export function isTransientRedisError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return (
    /^(CLUSTERDOWN|MOVED|ASK|TRYAGAIN|LOADING)\b/.test(message) ||
    message.startsWith('Too many Cluster redirections') ||
    message.startsWith('Failed to refresh slots cache') ||
    message === 'Connection is closed.'
  );
}
