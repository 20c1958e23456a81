#!lua
--[[ add: stock in; total += quantity (an unknown SKU is created, as stock-in of a new item).
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] idempotency string (Pidem:<key>)   KEYS[3] journal (Pjournal)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] idempotency TTL (s)  ARGV[3] eventId  ARGV[4] causationId
ARGV[5] correlationId  ARGV[6] actor  ARGV[7] skuId  ARGV[8] quantity (1..10^9)  ARGV[9] reason
  ('' = none)  ARGV[10] the caller's idempotency key ('' = none)
Returns {code, entryJson}: 1 OK, 0 REPLAY (+ the first entry), -12 TOTAL_LIMIT (total would pass
  10^12); error reply on a malformed quantity.
Writes: the SKU hash (total, reserved, version, updatedAt) on OK; the idempotency key with its TTL
  and one journal entry, unless REPLAY. On a failure the entry's skus is the unchanged state. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local stockKey, idempotencyKey, journalKey = KEYS[1], KEYS[2], KEYS[3]
local now, qty = tonumber(ARGV[1]), tonumber(ARGV[8])

local prior = rcall('GET', idempotencyKey)
if prior then return {0, prior} end
if not qty or qty < 1 or qty > 1e9 or qty % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end

local s = rcall('HMGET', stockKey, 'total', 'reserved', 'version')
local total, reserved, version = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
local code = 1
if total + qty > 1e12 then code = -12 end

local entry = {v = 1, action = 'add', code = code, at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], skuId = ARGV[7]}
if ARGV[9] ~= '' then entry.reason = ARGV[9] end
if ARGV[10] ~= '' then entry.idempotencyKey = ARGV[10] end
local dTotal = 0
if code == 1 then
  dTotal, total, version = qty, total + qty, version + 1
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
