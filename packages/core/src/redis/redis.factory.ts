import { Redis } from 'ioredis';

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

/**
 * A Redis client that fails commands quickly while disconnected instead of queueing them without
 * bound: callers (an HTTP request, a consumer batch) decide how to retry.
 */
export function createRedis(options: RedisOptions): Redis {
  return new Redis(options.url, {
    connectionName: options.connectionName,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
    enableAutoPipelining: options.autoPipelining ?? false,
  });
}
