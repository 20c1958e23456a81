#!lua
--[[ set: make a SKU's total an absolute value, optionally only at an expected version.
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] idempotency string (Pidem:<key>)   KEYS[3] journal (Pjournal)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] skuId  ARGV[8] total  ARGV[9] reason ('' = none)
ARGV[10] the caller's idempotency key ('' = none)  ARGV[11] expected version ('' = any; 0 = absent)
Returns {code, entryJson}: 1 OK (an absent SKU is created), 0 REPLAY (+ the first entry),
  -6 VERSION_CONFLICT, -12 TOTAL_LIMIT (total > 10^12), -7 BELOW_RESERVED (total < reserved);
  error reply on a malformed total.
Writes: the SKU hash (total, reserved, version, updatedAt) on OK; the idempotency key with its TTL
  and one journal entry, unless REPLAY. On a failure the entry's skus is the unchanged state. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local stockKey, idempotencyKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, newTotal, expected = tonumber(ARGV[1]), tonumber(ARGV[8]), ARGV[11]

local prior = rcall('GET', idempotencyKey)
if prior then return {0, prior} end
if not newTotal or newTotal < 0 or newTotal % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end

local s = rcall('HMGET', stockKey, 'total', 'reserved', 'version')
local total, reserved, version = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
local code = 1
if expected ~= '' and tonumber(expected) ~= version then code = -6
elseif newTotal > 1e12 then code = -12
elseif newTotal < reserved then code = -7 end

local entry = {v = 1, action = 'set', code = code, at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], skuId = ARGV[7]}
if ARGV[9] ~= '' then entry.reason = ARGV[9] end
if ARGV[10] ~= '' then entry.idempotencyKey = ARGV[10] end
local dTotal = 0
if code == 1 then
  dTotal, total, version = newTotal - total, newTotal, version + 1
  rcall('HSET', stockKey, 'total', total, 'reserved', reserved, 'version', version, 'updatedAt', now)
end
if s[1] or code == 1 then
  entry.skus = {{skuId = ARGV[7], dTotal = dTotal, dReserved = 0, total = total, reserved = reserved,
    version = version}}
end
local json = cjson.encode(entry)
rcall('SET', idempotencyKey, json, 'EX', ARGV[2])
rcall('XADD', journalKey, '*', 'e', json)
return {code, json}
