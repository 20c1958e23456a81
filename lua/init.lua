#!lua
--[[ init: create a SKU's stock with total = initial quantity, if the SKU is absent.
KEYS[1] SKU hash (P{<skuId>}:stock)   KEYS[2] journal stream (Pjournal)
KEYS[last] restored-data marker (Prestored): when absent, error RESTORING and nothing is written.
ARGV[1] now (epoch ms)  ARGV[2] unused ('')  ARGV[3] eventId  ARGV[4] causationId  ARGV[5] correlationId
ARGV[6] actor  ARGV[7] skuId  ARGV[8] initial quantity (0..10^12)  ARGV[9] reason ('' = none)
Returns {code, entryJson}: 1 OK, -10 EXISTS (nothing written, nothing journaled: the SKU's existence
  is the idempotency; the entry's skus is the current state); error reply on a malformed quantity
  (the runner rejects it first).
Writes: on OK only, the SKU hash (total, reserved 0, version 1, updatedAt) and one journal entry. ]]
local rcall = redis.call
if rcall('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('RESTORING') end -- see KEYS[last]
local stockKey, journalKey = KEYS[1], KEYS[2]
local now, qty = tonumber(ARGV[1]), tonumber(ARGV[8])
if not qty or qty < 0 or qty > 1e12 or qty % 1 ~= 0 then return redis.error_reply('INVALID_QUANTITY') end

local entry = {v = 1, action = 'init', at = now, eventId = ARGV[3], causationId = ARGV[4],
  correlationId = ARGV[5], actor = ARGV[6], skuId = ARGV[7]}
if ARGV[9] ~= '' then entry.reason = ARGV[9] end
local s = rcall('HMGET', stockKey, 'total', 'reserved', 'version')
if s[1] then
  entry.code = -10
  entry.skus = {{skuId = ARGV[7], dTotal = 0, dReserved = 0, total = tonumber(s[1]),
    reserved = tonumber(s[2]), version = tonumber(s[3])}}
  return {-10, cjson.encode(entry)}
end
entry.code = 1
rcall('HSET', stockKey, 'total', qty, 'reserved', 0, 'version', 1, 'updatedAt', now)
entry.skus = {{skuId = ARGV[7], dTotal = qty, dReserved = 0, total = qty, reserved = 0, version = 1}}
local json = cjson.encode(entry)
rcall('XADD', journalKey, '*', 'e', json)
return {1, json}
