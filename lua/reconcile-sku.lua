#!lua
--[[ reconcile-sku: set a SKU hash to MariaDB's counters, only if it still holds what reconcile read.
Run by `reconcile --repair` (packages/core/src/reconcile), never by the service's commands. Not
journaled: the caller records the repair in inventory_ledger (action reconcile, reason RECONCILE).
KEYS[1] SKU hash (P{<skuId>}:stock)
ARGV[1] now (epoch ms)  ARGV[2] expected total  ARGV[3] expected reserved  ARGV[4] expected version
  (each exactly as HMGET returned it, '' for an absent field: '', '', '' = the SKU is absent)
ARGV[5] new total  ARGV[6] new reserved  ARGV[7] new version (above the expected one)
Returns {code, stateJson}: 1 OK (stateJson = the counters written), -6 VERSION_CONFLICT (the hash
  changed since it was read: nothing written, stateJson = what it holds now); error reply on
  malformed values (not integers, reserved > total, total > 10^12, version not increasing).
Writes: on OK only, the SKU hash (total, reserved, version, updatedAt). ]]
local rcall = redis.call
local stockKey = KEYS[1]
local now, total, reserved, version = tonumber(ARGV[1]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])

local function isCount(n) return n ~= nil and n >= 0 and n % 1 == 0 end
if not (isCount(now) and isCount(total) and isCount(reserved) and isCount(version))
  or reserved > total or total > 1e12 then return redis.error_reply('INVALID_STATE') end

local s = rcall('HMGET', stockKey, 'total', 'reserved', 'version')
-- Compared as text: what reconcile read is what Redis returned, so any write since then differs.
if (s[1] or '') ~= ARGV[2] or (s[2] or '') ~= ARGV[3] or (s[3] or '') ~= ARGV[4] then
  return {-6, cjson.encode({total = s[1] or '', reserved = s[2] or '', version = s[3] or ''})}
end
-- The service's scripts bump the version from here on; the relay keeps only newer versions.
if version <= (tonumber(s[3]) or 0) then return redis.error_reply('INVALID_STATE version') end

rcall('HSET', stockKey, 'total', total, 'reserved', reserved, 'version', version, 'updatedAt', now)
return {1, cjson.encode({total = total, reserved = reserved, version = version})}
