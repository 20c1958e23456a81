import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inGroups, type PipelineResult, type RedisClient } from './redis.groups.js';

/** The repository's `lua/` folder, found from src/ and from dist/ alike. */
export const luaDirectory = new URL('../../../../lua/', import.meta.url);

export interface LuaScript {
  /** The file name without `.lua`: `reserve` is lua/reserve.lua. */
  name: string;
  lua: string;
  /** SHA-1 of the source, as EVALSHA wants it. */
  sha: string;
}

export interface ScriptCall {
  script: LuaScript;
  keys: readonly string[];
  args: readonly (string | number)[];
}

const scripts = new Map<string, LuaScript>();

/** A line `--- @include "<name>"` stands for the text of lua/includes/<name>.lua. */
const includeLine = /^--- @include "([a-z-]+)"$/gm;

/** The script's text with its includes spliced in (one level: an include includes nothing). */
function withIncludes(lua: string): string {
  return lua.replace(includeLine, (_line, name: string) =>
    readFileSync(new URL(`includes/${name}.lua`, luaDirectory), 'utf8').trimEnd(),
  );
}

/** lua/<name>.lua, read once per process, includes spliced in. */
export function luaScript(name: string): LuaScript {
  let script = scripts.get(name);
  if (!script) {
    const lua = withIncludes(readFileSync(new URL(`${name}.lua`, luaDirectory), 'utf8'));
    script = { name, lua, sha: createHash('sha1').update(lua).digest('hex') };
    scripts.set(name, script);
  }
  return script;
}

/** The names of every script in lua/. */
export function luaScriptNames(): string[] {
  return readdirSync(fileURLToPath(luaDirectory))
    .filter((file) => file.endsWith('.lua'))
    .map((file) => file.slice(0, -'.lua'.length))
    .sort();
}

const loadedOn = new WeakMap<RedisClient, Set<string>>();

/**
 * The SHAs this client has loaded since it last connected. On a Redis Cluster the set is the
 * client's, not each node's: a node that lacks a script answers NOSCRIPT and the call is sent
 * again with the script (below).
 */
function loadedScripts(redis: RedisClient): Set<string> {
  let loaded = loadedOn.get(redis);
  if (!loaded) {
    const fresh = new Set<string>();
    // A reconnect may reach a restarted (or another) Redis, which holds no scripts.
    redis.on('ready', () => fresh.clear());
    loadedOn.set(redis, fresh);
    loaded = fresh;
  }
  return loaded;
}

const isNoScript = (error: Error | null) => error?.message.startsWith('NOSCRIPT') === true;

async function sendOnce(redis: RedisClient, calls: readonly ScriptCall[]): Promise<PipelineResult[]> {
  const loaded = loadedScripts(redis);
  const toLoad = [...new Set(calls.map((c) => c.script))].filter((s) => !loaded.has(s.sha));
  const pipeline = redis.pipeline();
  for (const script of toLoad) pipeline.script('LOAD', script.lua);
  for (const { script, keys, args } of calls) pipeline.evalsha(script.sha, keys.length, ...keys, ...args);
  const results = ((await pipeline.exec()) ?? []) as PipelineResult[];
  const loadErrors = new Map<string, Error>();
  toLoad.forEach((script, i) => {
    const error = results[i]?.[0] ?? null;
    if (error === null) loaded.add(script.sha);
    else loadErrors.set(script.sha, new Error(`lua/${script.name}.lua: ${error.message}`));
  });
  // A script that does not compile answers its compile error, not the NOSCRIPT that follows it.
  return calls.map((call, i) => {
    const loadError = loadErrors.get(call.script.sha);
    if (loadError) return [loadError, null];
    return results[toLoad.length + i] ?? [new Error('pipeline returned no result'), null];
  });
}

/**
 * Runs script calls in one pipeline, in the order given, and answers each call's result. A script
 * this connection has not loaded yet is loaded (SCRIPT LOAD) at the head of the same pipeline, so
 * EVALSHA finds it and no call is reordered. If Redis still answers NOSCRIPT (someone ran SCRIPT
 * FLUSH meanwhile: a script that did not run wrote nothing), the calls that got it are sent once
 * more, after the others.
 */
export async function runScripts(
  redis: RedisClient,
  calls: readonly ScriptCall[],
): Promise<PipelineResult[]> {
  if (calls.length === 0) return [];
  const results = await sendOnce(redis, calls);
  const missed = results.flatMap((result, i) => (isNoScript(result[0]) ? [i] : []));
  if (missed.length === 0) return results;
  loadedScripts(redis).clear();
  const retried = await sendOnce(
    redis,
    missed.map((i) => calls[i] as ScriptCall),
  );
  missed.forEach((position, j) => {
    results[position] = retried[j] as PipelineResult;
  });
  return results;
}

/**
 * runScripts for calls spread over shards, in one round: one pipeline per shard on a Redis Cluster
 * (one shard is one slot), one pipeline on a single Redis. Results in call order.
 */
export function runScriptsOnShards(
  redis: RedisClient,
  calls: readonly { shard: number; call: ScriptCall }[],
): Promise<PipelineResult[]> {
  return inGroups(
    redis,
    calls,
    (c) => c.shard,
    (group) =>
      runScripts(
        redis,
        group.map((c) => c.call),
      ),
  );
}

/** One script call on its own round trip; a script error rejects. */
export async function runScript(redis: RedisClient, call: ScriptCall): Promise<unknown> {
  const [[error, reply] = [new Error('no result'), null]] = await runScripts(redis, [call]);
  if (error) throw error;
  return reply;
}
