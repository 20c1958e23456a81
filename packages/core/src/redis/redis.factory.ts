import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis.groups.js';

export interface RedisOptions {
  url: string;
  /** Name shown in CLIENT LIST, to tell the api, workers and relay apart. */
  connectionName: string;
  /**
   * Send the commands issued in one event-loop tick as one pipeline (one write, one syscall). For
   * clients of many small concurrent commands (the API); not for clients that block (XREADGROUP
   * BLOCK) or use MULTI, which the relay does.
   */
  autoPipelining?: boolean;
}

/** How every client behaves while disconnected: commands fail quickly instead of queueing without bound. */
function connectionOptions(options: Omit<RedisOptions, 'url'>) {
  return {
    connectionName: options.connectionName,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
  };
}

/**
 * A Redis client that fails commands quickly while disconnected instead of queueing them without
 * bound: callers (an HTTP request, a consumer batch) decide how to retry.
 */
export function createRedis(options: RedisOptions): Redis {
  return new Redis(options.url, {
    ...connectionOptions(options),
    enableAutoPipelining: options.autoPipelining ?? false,
  });
}

export interface RedisClientOptions extends RedisOptions {
  /** A Redis Cluster's seed nodes (`host:port`); when given, `url` is not used. */
  clusterNodes?: readonly string[] | undefined;
}

/** A single Redis at `url`, or a Redis Cluster client when seed nodes are given (docs/sharding.md). */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  if (!options.clusterNodes || options.clusterNodes.length === 0) return createRedis(options);
  const nodes = options.clusterNodes.map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(node.slice(at + 1)) };
  });
  return new Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    // A master that died and came back (or failed over) answers MOVED/CLUSTERDOWN for a moment.
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    redisOptions: connectionOptions(options),
  });
}
