import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../stock/stock.testing.js';
import { type LuaScript, luaScript, runScript, runScripts } from './lua.scripts.js';

/** A script no Redis has seen (a unique comment), so each test starts with it unloaded. */
function freshScript(body: string): LuaScript {
  const lua = `#!lua\n-- ${randomUUID()}\n${body}`;
  return { name: 'test', lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const push = (script: LuaScript, key: string, value: string) => ({ script, keys: [key], args: [value] });
let redis: Redis;
let admin: Redis;
const key = `test:lua:${randomUUID()}`;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
  admin = new Redis(testRedisUrl());
});
afterAll(async () => {
  await admin.del(key);
  await Promise.all([redis.quit(), admin.quit()]);
});

describe('runScripts', () => {
  it('when the scripts were never loaded, loads them in the same pipeline and runs every call in order', async () => {
    const first = freshScript("return redis.call('RPUSH', KEYS[1], ARGV[1])");
    const second = freshScript("return redis.call('RPUSH', KEYS[1], ARGV[1] .. '!')");

    const results = await runScripts(redis, [
      push(first, key, 'a'),
      push(second, key, 'b'),
      push(first, key, 'c'),
    ]);

    expect(results).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
    ]);
    expect(await admin.lrange(key, 0, -1)).toEqual(['a', 'b!', 'c']);
    expect(await admin.script('EXISTS', first.sha, second.sha)).toEqual([1, 1]);
  });

  it('when Redis lost its scripts (SCRIPT FLUSH) after the client loaded them, runs the call once', async () => {
    const script = freshScript("return redis.call('INCR', KEYS[1] .. ':n')");
    await runScript(redis, { script, keys: [key], args: [] });
    await admin.script('FLUSH');

    const reply = await runScript(redis, { script, keys: [key], args: [] });

    expect(reply).toBe(2);
    await admin.del(`${key}:n`);
  });

  it('when one script fails, answers its error in its place and the other calls still run', async () => {
    const ok = freshScript("return redis.call('SET', KEYS[1] .. ':ok', ARGV[1])");
    const failing = freshScript("return redis.error_reply('BROKEN')");

    const results = await runScripts(redis, [push(failing, key, 'x'), push(ok, key, 'y')]);

    expect(results[0]?.[0]?.message).toMatch(/BROKEN/);
    expect(results[1]).toEqual([null, 'OK']);
    expect(await admin.get(`${key}:ok`)).toBe('y');
    await admin.del(`${key}:ok`);
  });

  it('when a script does not compile, answers its compile error', async () => {
    const broken = freshScript('return {');
    const [[error]] = (await runScripts(redis, [push(broken, key, 'x')])) as [[Error | null, unknown]];
    expect(error?.message).toMatch(/^lua\/test\.lua: ERR Error compiling script/);
  });

  it('gives a repository script the SHA-1 that SCRIPT LOAD answers', async () => {
    const script = luaScript('reserve');
    expect(await admin.script('LOAD', script.lua)).toBe(script.sha);
  });
});
