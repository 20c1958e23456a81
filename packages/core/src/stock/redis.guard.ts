import type { Cluster, Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../redis/redis.groups.js';
import { RedisEvictionPolicyError } from './stock.errors.js';

/**
 * Start-up check of the Redis the stock store lives in (docs/architecture.md, "Redis data"):
 * a policy that may evict keys would silently drop stock, reservations or journal entries, so
 * anything but `noeviction` refuses to run; AOF off only warns (the relay restores from MariaDB).
 */

export interface RedisSettings {
  /** null when it could not be read. */
  maxmemoryPolicy: string | null;
  appendonly: boolean | null;
  /** Where the values came from: CONFIG GET, or INFO when CONFIG is disabled (managed Redis). */
  source: 'config' | 'info';
}

export interface RedisGuardDecision {
  /** Reasons to refuse to run; empty when Redis is fit. */
  refusals: string[];
  warnings: string[];
}

export interface RedisGuardReport extends RedisSettings {
  warnings: string[];
}

/** A pino-compatible logger (only `warn` is used). */
export interface GuardLogger {
  warn(object: object, message: string): void;
}

/** The decision alone, from settings already read (unit-testable without a server). */
export function evaluateRedisSettings(settings: RedisSettings): RedisGuardDecision {
  const refusals: string[] = [];
  const warnings: string[] = [];
  if (settings.maxmemoryPolicy === null) {
    refusals.push(
      'could not read maxmemory-policy (neither CONFIG GET nor INFO answered it); it must be noeviction',
    );
  } else if (settings.maxmemoryPolicy !== 'noeviction') {
    refusals.push(
      `maxmemory-policy is ${settings.maxmemoryPolicy}; it must be noeviction (eviction would drop stock)`,
    );
  }
  if (settings.appendonly === false) {
    warnings.push(
      'AOF IS OFF (appendonly no): a Redis restart loses recent stock changes until the relay restores from MariaDB',
    );
  } else if (settings.appendonly === null) {
    warnings.push('could not read appendonly: make sure AOF is on');
  }
  if (settings.source === 'info') {
    warnings.push('CONFIG is disabled on this Redis (managed service?): settings were read from INFO');
  }
  return { refusals, warnings };
}

function pairValue(reply: unknown, name: string): string | null {
  if (!Array.isArray(reply)) return null;
  const at = reply.indexOf(name);
  const value = at >= 0 ? reply[at + 1] : undefined;
  return typeof value === 'string' ? value : null;
}

export function parseInfoField(info: string, field: string): string | null {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line === undefined ? null : line.slice(field.length + 1).trim();
}

async function readFromConfig(redis: Redis): Promise<RedisSettings | null> {
  try {
    const policy = pairValue(await redis.config('GET', 'maxmemory-policy'), 'maxmemory-policy');
    const aof = pairValue(await redis.config('GET', 'appendonly'), 'appendonly');
    if (policy === null) return null;
    return { maxmemoryPolicy: policy, appendonly: aof === null ? null : aof === 'yes', source: 'config' };
  } catch {
    return null; // CONFIG renamed, disabled or not permitted (ACL): fall back to INFO.
  }
}

async function readFromInfo(redis: Redis): Promise<RedisSettings> {
  const memory = await redis.info('memory').catch(() => '');
  const persistence = await redis.info('persistence').catch(() => '');
  const aof = parseInfoField(persistence, 'aof_enabled');
  return {
    maxmemoryPolicy: parseInfoField(memory, 'maxmemory_policy'),
    appendonly: aof === null ? null : aof === '1',
    source: 'info',
  };
}

/** Reads maxmemory-policy and appendonly with CONFIG GET, or from INFO when CONFIG is unavailable. */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  return (await readFromConfig(redis)) ?? readFromInfo(redis);
}

/**
 * Throws RedisEvictionPolicyError unless maxmemory-policy is noeviction; logs (and returns) a loud
 * warning when AOF is off or CONFIG was unavailable. On a Redis Cluster every master is checked:
 * a shard on an evicting master would lose stock like a single evicting Redis.
 */
export async function checkRedisForStock(
  redis: RedisClient,
  logger?: GuardLogger,
): Promise<RedisGuardReport> {
  const nodes: Redis[] = isCluster(redis) ? await clusterMasters(redis) : [redis];
  let report: RedisGuardReport | undefined;
  for (const node of nodes) {
    const settings = await readRedisSettings(node);
    const { refusals, warnings } = evaluateRedisSettings(settings);
    const where = isCluster(redis) ? ` (${node.options.host}:${node.options.port})` : '';
    if (refusals.length > 0)
      throw new RedisEvictionPolicyError(
        settings,
        refusals.map((r) => r + where),
      );
    for (const warning of warnings) {
      if (logger) logger.warn({ redis: settings }, warning + where);
      else console.warn(`WARNING: ${warning}${where}`);
    }
    report ??= { ...settings, warnings };
  }
  if (!report) throw new RedisEvictionPolicyError(unknownSettings, ['the Redis Cluster has no master']);
  return report;
}

const unknownSettings: RedisSettings = { maxmemoryPolicy: null, appendonly: null, source: 'info' };

/** The cluster's masters, once the client has read the slot map (it connects lazily). */
async function clusterMasters(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status === 'wait') await cluster.connect();
  return cluster.nodes('master');
}
