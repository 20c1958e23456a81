import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStock, type TestStock, testRedisUrl } from './stock.testing.js';
import type { ScriptTiming } from './stock.timing.js';

const who = { causationId: 'evt-1', correlationId: 'corr-1', actor: 'test' };
const order = (orderId: string) => ({ ...who, orderId, orderIdType: 'number' as const });
let redis: Redis;
let t: TestStock;
let seen: ScriptTiming[];

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
beforeEach(async () => {
  seen = [];
  t = createTestStock(redis, { onScripts: (timing) => seen.push(timing) });
  await t.runner.init({ ...who, skuId: 'A', initialQuantity: 10 });
  seen.length = 0;
});
afterEach(async () => {
  await t.cleanup();
});
afterAll(async () => {
  await redis.quit();
});

describe('stock runner onScripts', () => {
  it('when single commands run, reports one single round trip per script with its command', async () => {
    await t.runner.reserve({ ...order('1'), items: [{ skuId: 'A', quantity: 1 }] });
    await t.runner.confirm(order('1'));
    await t.runner.add({ ...who, skuId: 'A', quantity: 1 });

    expect(seen.map(({ command, mode, scripts }) => ({ command, mode, scripts }))).toEqual([
      { command: 'reserve', mode: 'single', scripts: 1 },
      { command: 'confirm', mode: 'single', scripts: 1 },
      { command: 'add', mode: 'single', scripts: 1 },
    ]);
    for (const timing of seen) expect(timing.seconds).toBeGreaterThan(0);
  });

  it('when a batch runs, reports one pipeline round trip for all its scripts', async () => {
    const reserves = t.runner.batch();
    const placed = [1, 2, 3].map((n) =>
      reserves.reserve({ ...order(String(n)), items: [{ skuId: 'A', quantity: 1 }] }),
    );
    await reserves.exec();
    await Promise.all(placed);
    const batch = t.runner.batch();
    const settled = [batch.confirm(order('1')), batch.release({ ...order('2'), reason: 'CANCELLED' })];
    await batch.exec();
    await Promise.all(settled);

    expect(seen.map(({ command, mode, scripts }) => ({ command, mode, scripts }))).toEqual([
      { command: 'reserve', mode: 'pipeline', scripts: 3 },
      { command: 'mixed', mode: 'pipeline', scripts: 2 },
    ]);
  });
});
