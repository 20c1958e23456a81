import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis, Result } from 'ioredis';

/** What every stock script answers: its code and the outcome document (JSON). */
export type StockScriptReply = [code: number, entryJson: string];

/** ioredis command names of the scripts (prefixed: `set` would shadow Redis SET). */
export type StockCommandName =
  | 'stockInit'
  | 'stockSet'
  | 'stockAdd'
  | 'stockDecrease'
  | 'stockReserve'
  | 'stockConfirm'
  | 'stockRelease'
  | 'stockExpire'
  | 'stockBulk';

/** Scripts named `<command>-<n>.lua` take keys then args; the others take numkeys first. */
type StockScriptMethod<Context extends { type: 'default' | 'pipeline' }> = (
  ...numKeysKeysAndArgs: (string | number)[]
) => Result<StockScriptReply, Context>;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    stockInit: StockScriptMethod<Context>;
    stockSet: StockScriptMethod<Context>;
    stockAdd: StockScriptMethod<Context>;
    stockDecrease: StockScriptMethod<Context>;
    stockReserve: StockScriptMethod<Context>;
    stockConfirm: StockScriptMethod<Context>;
    stockRelease: StockScriptMethod<Context>;
    stockExpire: StockScriptMethod<Context>;
    stockBulk: StockScriptMethod<Context>;
  }
}

export interface StockScript {
  /** File name without `.lua`, e.g. `reserve` or `set-4`. */
  file: string;
  command: StockCommandName;
  lua: string;
  /** From the file name (`<command>-<numKeys>.lua`); undefined when the caller passes numkeys. */
  numberOfKeys: number | undefined;
}

/** The repository's `lua/` folder, found from src/stock and from dist/stock alike. */
export const luaDirectory = new URL('../../../../lua/', import.meta.url);

const fileName = /^([a-z]+)(?:-(\d+))?\.lua$/;
let cached: StockScript[] | undefined;

/** Reads lua/*.lua once: command name from the file name, numberOfKeys from its `-<n>` suffix. */
export function loadStockScripts(directory: URL = luaDirectory): StockScript[] {
  if (directory === luaDirectory && cached) return cached;
  const scripts = readdirSync(fileURLToPath(directory))
    .map((name) => ({ name, match: fileName.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .map(({ name, match }) => {
      const base = match[1] as string;
      return {
        file: name.slice(0, -'.lua'.length),
        command: `stock${base[0]?.toUpperCase()}${base.slice(1)}` as StockCommandName,
        lua: readFileSync(new URL(name, directory), 'utf8'),
        numberOfKeys: match[2] === undefined ? undefined : Number(match[2]),
      };
    });
  if (directory === luaDirectory) cached = scripts;
  return scripts;
}

const registered = new WeakSet<Redis>();

/** Defines every stock script on the client once (EVALSHA, with EVAL on NOSCRIPT, by ioredis). */
export function registerStockScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const script of loadStockScripts()) {
    redis.defineCommand(script.command, { lua: script.lua, numberOfKeys: script.numberOfKeys });
  }
  registered.add(redis);
}
