import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';
import { luaDirectory } from '../stock/stock.scripts.js';

/** `{code, stateJson}`: 1 OK (the counters written) or -6 VERSION_CONFLICT (what the hash holds now). */
export type ReconcileSkuReply = [code: number, stateJson: string];

type ReconcileSkuMethod<Context extends { type: 'default' | 'pipeline' }> = (
  stockKey: string,
  ...args: (string | number)[]
) => Result<ReconcileSkuReply, Context>;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    reconcileSku: ReconcileSkuMethod<Context>;
  }
}

/**
 * lua/reconcile-sku-1.lua. Its name does not fit the stock loader's `<command>-<n>.lua` pattern on
 * purpose: the service's clients never load it, only the reconcile command does.
 */
const SCRIPT_URL = new URL('reconcile-sku-1.lua', luaDirectory);
let lua: string | undefined;
const registered = new WeakSet<Redis>();

/** Defines `reconcileSku` on the client once (ioredis runs EVALSHA, and EVAL on NOSCRIPT). */
export function registerReconcileScript(redis: Redis): void {
  if (registered.has(redis)) return;
  lua ??= readFileSync(SCRIPT_URL, 'utf8');
  redis.defineCommand('reconcileSku', { lua, numberOfKeys: 1 });
  registered.add(redis);
}

/** A SKU hash's fields as HMGET returned them (null: absent), in the order total, reserved, version. */
export type RawSkuFields = readonly (string | null)[];

export interface SkuCompareAndSet {
  key: string;
  now: number;
  expected: RawSkuFields;
  total: number;
  reserved: number;
  version: number;
}

/** Writes the new counters only if the hash still holds `expected`; true when written. */
export async function compareAndSetSku(redis: Redis, cas: SkuCompareAndSet): Promise<boolean> {
  registerReconcileScript(redis);
  const [total = null, reserved = null, version = null] = cas.expected;
  const [code] = await redis.reconcileSku(
    cas.key,
    cas.now,
    total ?? '',
    reserved ?? '',
    version ?? '',
    cas.total,
    cas.reserved,
    cas.version,
  );
  return code === 1;
}
