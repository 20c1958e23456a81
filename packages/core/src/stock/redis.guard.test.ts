import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { checkRedisForStock, evaluateRedisSettings, parseInfoField } from './redis.guard.js';
import { RedisEvictionPolicyError } from './stock.errors.js';

/** A fake client whose CONFIG GET and INFO answer like a real server, or fail like a managed one. */
function fakeRedis(options: {
  config?: Record<string, string> | Error;
  info?: Record<string, string>;
}): Redis {
  return {
    config: vi.fn(async (_sub: string, name: string) => {
      if (options.config instanceof Error) throw options.config;
      const value = options.config?.[name];
      return value === undefined ? [] : [name, value];
    }),
    info: vi.fn(async (section: string) => options.info?.[section] ?? ''),
  } as unknown as Redis;
}

describe('evaluateRedisSettings', () => {
  it('when the policy is noeviction and AOF is on, has nothing to say', () => {
    expect(
      evaluateRedisSettings({ maxmemoryPolicy: 'noeviction', appendonly: true, source: 'config' }),
    ).toEqual({
      refusals: [],
      warnings: [],
    });
  });

  it('when the policy can evict, refuses', () => {
    for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-ttl', 'allkeys-random']) {
      const decision = evaluateRedisSettings({ maxmemoryPolicy: policy, appendonly: true, source: 'config' });
      expect(decision.refusals).toHaveLength(1);
      expect(decision.refusals[0]).toContain(policy);
    }
  });

  it('when the policy could not be read, refuses rather than guess', () => {
    const decision = evaluateRedisSettings({ maxmemoryPolicy: null, appendonly: true, source: 'info' });
    expect(decision.refusals).toHaveLength(1);
  });

  it('when AOF is off, warns loudly but does not refuse', () => {
    const decision = evaluateRedisSettings({
      maxmemoryPolicy: 'noeviction',
      appendonly: false,
      source: 'config',
    });
    expect(decision.refusals).toEqual([]);
    expect(decision.warnings[0]).toMatch(/AOF IS OFF/);
  });
});

describe('checkRedisForStock', () => {
  it('when CONFIG GET says allkeys-lru, throws RedisEvictionPolicyError (not retryable)', async () => {
    const redis = fakeRedis({ config: { 'maxmemory-policy': 'allkeys-lru', appendonly: 'yes' } });
    const error = await checkRedisForStock(redis).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisEvictionPolicyError);
    expect(error).toMatchObject({ code: 'INV_REDIS_EVICTION_POLICY', retryable: false });
  });

  it('when appendonly is no, logs the warning through the logger and returns it', async () => {
    const redis = fakeRedis({ config: { 'maxmemory-policy': 'noeviction', appendonly: 'no' } });
    const warn = vi.fn();
    const report = await checkRedisForStock(redis, { warn });
    expect(report).toMatchObject({ maxmemoryPolicy: 'noeviction', appendonly: false, source: 'config' });
    expect(warn).toHaveBeenCalledWith(expect.any(Object), expect.stringMatching(/AOF IS OFF/));
  });

  it('when CONFIG is disabled (managed Redis), reads INFO and says so', async () => {
    const redis = fakeRedis({
      config: new Error("ERR unknown command 'CONFIG'"),
      info: {
        memory: '# Memory\r\nused_memory:1\r\nmaxmemory_policy:noeviction\r\n',
        persistence: '# Persistence\r\naof_enabled:1\r\n',
      },
    });
    const warn = vi.fn();
    const report = await checkRedisForStock(redis, { warn });
    expect(report).toMatchObject({ maxmemoryPolicy: 'noeviction', appendonly: true, source: 'info' });
    expect(warn).toHaveBeenCalledWith(expect.any(Object), expect.stringMatching(/CONFIG is disabled/));
  });

  it('when CONFIG is disabled and INFO shows an evicting policy, refuses', async () => {
    const redis = fakeRedis({
      config: new Error('NOPERM this user has no permissions to run the config command'),
      info: { memory: 'maxmemory_policy:volatile-lru\r\n', persistence: 'aof_enabled:1\r\n' },
    });
    await expect(checkRedisForStock(redis)).rejects.toThrow(/volatile-lru/);
  });
});

describe('parseInfoField', () => {
  it('when the field is absent, returns null', () => {
    expect(parseInfoField('a:1\r\nb:2', 'b')).toBe('2');
    expect(parseInfoField('a:1', 'maxmemory_policy')).toBeNull();
  });
});
