import { spawnSync } from 'node:child_process';
import type { Redis } from 'ioredis';
import { luaScript } from '../../packages/core/src/redis/lua.scripts.js';
import { MANY_SKUS, type Scenario } from './scenarios.js';

/**
 * Raw `redis-benchmark` EVALSHA of lua/reserve.lua, the ceiling of what any client could get from
 * the same script. `-r` makes redis-benchmark replace every `__rand_int__` with its own random
 * 12-digit number on each call, so the order key (three of them joined: ~10^12 orders even when
 * -r is 10,000) is a new order on every call.
 */
export function loadReserveScript(redis: Redis): Promise<string> {
  return redis.script('LOAD', luaScript('reserve').lua) as Promise<string>;
}

export interface RawRun {
  rps: number;
  command: string;
}

export function rawEvalsha(
  url: URL,
  sha: string,
  prefix: string,
  scenario: Scenario,
  options: { requests: number; clients: number; pipeline: number },
): RawRun {
  const n = scenario.itemsPerOrder;
  // Hot: the scenario's fixed SKUs. Many: key S<12 random digits> below MANY_SKUS (seeded as such).
  // ARGV names the many-SKU items X1..X5: the script's duplicate check reads ARGV, and a rare repeat
  // of a random key within one order (~0.1% of 5-item orders) must not stop redis-benchmark.
  const skus = scenario.hot ? scenario.skuIds.slice(0, n) : Array.from({ length: n }, () => 'S__rand_int__');
  const names = scenario.hot ? skus : skus.map((_, i) => `X${i + 1}`);
  const order = '__rand_int____rand_int____rand_int__';
  const keys = [
    `${prefix}reservation:${order}`,
    `${prefix}deadlines`,
    `${prefix}journal`,
    `${prefix}locations`,
  ];
  keys.push(...skus.map((s) => `${prefix}{${s}}:stock`), `${prefix}restored`); // the marker goes last
  const now = Date.now();
  const args = [
    String(now),
    String(now + 900_000),
    '3600',
    'bench-event',
    'bench-cause',
    'bench-corr',
    'bench',
  ];
  // Options '' (split allowed, all or nothing); each item: skuId, quantity, '' (sourced by priority).
  args.push(order, 'number', '', ...names.flatMap((s) => [s, '1', '']));
  const argv = ['-h', url.hostname, '-p', url.port || '6379', '-n', String(options.requests)];
  argv.push('-c', String(options.clients), '-P', String(options.pipeline), '-r', String(MANY_SKUS), '--csv');
  argv.push('evalsha', sha, String(keys.length), ...keys, ...args);
  const result = spawnSync('redis-benchmark', argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`redis-benchmark failed: ${result.stderr || result.error}`);
  // --csv: a header line, then "<command>","<rps>",...
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  const rps = Number(line.split('","')[1]);
  if (!Number.isFinite(rps)) throw new Error(`cannot read redis-benchmark output: ${result.stdout}`);
  return { rps, command: `redis-benchmark ${argv.slice(4, 12).join(' ')} evalsha <sha> ${keys.length} …` };
}
