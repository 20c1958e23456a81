import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkRedisForStock, readRedisSettings } from './redis.guard.js';
import { testRedisUrl } from './stock.testing.js';

// Only the happy path runs against the shared server: its config is never changed by tests. The
// refusals are unit-tested with fake CONFIG and INFO replies (redis.guard.test.ts).
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await redis.quit();
});

describe('checkRedisForStock', () => {
  it('when the server runs noeviction, passes and reports what it read with CONFIG GET', async () => {
    // Arrange
    const warn = vi.fn();
    // Act
    const report = await checkRedisForStock(redis, { warn });
    // Assert
    expect(report.maxmemoryPolicy).toBe('noeviction');
    expect(report.source).toBe('config');
    expect(typeof report.appendonly).toBe('boolean');
    if (report.appendonly === false)
      expect(warn).toHaveBeenCalledWith(expect.any(Object), expect.stringMatching(/AOF IS OFF/));
    else expect(warn).not.toHaveBeenCalled();
  });

  it('when reading the settings, CONFIG GET and INFO agree on this server', async () => {
    const fromConfig = await readRedisSettings(redis);
    const info = await redis.info('memory');
    expect(info).toContain(`maxmemory_policy:${fromConfig.maxmemoryPolicy}`);
  });
});
