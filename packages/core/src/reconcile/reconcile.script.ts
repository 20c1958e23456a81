import { luaScript, runScript } from '../redis/lua.scripts.js';
import type { RedisClient } from '../redis/redis.groups.js';

/** `{code, stateJson}`: 1 OK (the counters written) or -6 VERSION_CONFLICT (what the hash holds now). */
export type ReconcileSkuReply = [code: number, stateJson: string];

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
export async function compareAndSetSku(redis: RedisClient, cas: SkuCompareAndSet): Promise<boolean> {
  const [total = null, reserved = null, version = null] = cas.expected;
  // lua/reconcile-sku.lua: only the reconcile command runs it, never the service's commands.
  const [code] = (await runScript(redis, {
    script: luaScript('reconcile-sku'),
    keys: [cas.key],
    args: [cas.now, total ?? '', reserved ?? '', version ?? '', cas.total, cas.reserved, cas.version],
  })) as ReconcileSkuReply;
  return code === 1;
}
